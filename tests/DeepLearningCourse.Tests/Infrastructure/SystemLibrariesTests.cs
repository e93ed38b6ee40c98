using DeepLearningCourse.Infrastructure.Native;

namespace DeepLearningCourse.Tests.Infrastructure;

public class SystemLibrariesTests
{
    [Fact]
    public void A_missing_library_is_reported_in_one_sentence_naming_its_package()
    {
        var error = Assert.Throws<MissingSystemLibraryException>(() =>
            SystemLibraries.Require("The test's library", [new("libc.so.6", "libc6"), new("libcourse-absent-test.so.7", "course-absent-package")]));

        Assert.Equal(
            "The test's library needs the system library libcourse-absent-test.so.7, which this machine lacks: install the package " +
            "course-absent-package (on Debian or Ubuntu: sudo apt-get install course-absent-package), then restart the notebook's kernel.",
            error.Message);
        // What a notebook shows of a failed cell: the sentence, no stack trace.
        Assert.Equal(error.Message, error.ToString());
        Assert.Null(error.StackTrace);
    }

    [Fact]
    public void Present_libraries_pass()
    {
        SystemLibraries.Require("The test's library", [new("libc.so.6", "libc6"), new("libm.so.6", "libc6")]);
    }
}
