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

    [Fact]
    public void The_check_runs_when_the_watched_native_library_is_bound_and_only_then()
    {
        SystemLibrary[] absent = [new("libcourse-absent-test.so.7", "course-absent-package")];
        var error = Assert.Throws<MissingSystemLibraryException>(() =>
            SystemLibraries.Resolve("OpenCvSharpExtern", "OpenCvSharpExtern", "OpenCV's native library", absent));
        Assert.StartsWith("OpenCV's native library needs the system library libcourse-absent-test.so.7", error.Message);
        // Any other library, and a watched one whose dependencies are present, goes on to the loader's own search.
        Assert.Equal(IntPtr.Zero, SystemLibraries.Resolve("libOther", "OpenCvSharpExtern", "OpenCV's native library", absent));
        Assert.Equal(IntPtr.Zero, SystemLibraries.Resolve("OpenCvSharpExtern", "OpenCvSharpExtern", "OpenCV's native library", [new("libc.so.6", "libc6")]));
    }

    [Fact]
    public void A_watched_assembly_loaded_already_gets_the_check_before_its_first_native_call()
    {
        // This test assembly plays the package: its P/Invoke below binds "libcourse-watched-test", which the check precedes.
        var name = typeof(SystemLibrariesTests).Assembly.GetName().Name!;
        SystemLibraries.CheckWhenLoaded(name, "libcourse-watched-test", "The test's library", [new("libcourse-absent-test.so.7", "course-absent-package")]);
        var error = Assert.Throws<MissingSystemLibraryException>(() => WatchedNative.Call());
        Assert.StartsWith("The test's library needs the system library libcourse-absent-test.so.7", error.Message);
    }

    static class WatchedNative
    {
        [System.Runtime.InteropServices.DllImport("libcourse-watched-test")]
        static extern int course_test_entry();

        public static int Call() => course_test_entry();
    }
}
