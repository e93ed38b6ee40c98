using DeepLearningCourse.Infrastructure.Native;

namespace DeepLearningCourse.Tests.Infrastructure;

public class ElfVersionRequirementsTests
{
    static readonly string LibTorchSharp = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Reads_the_libstdcxx_versions_libtorchsharp_requires()
    {
        var requirements = ElfVersionRequirements.Read(File.ReadAllBytes(LibTorchSharp));
        var glibcxx = requirements.Where(r => r.Library == "libstdc++.so.6").Select(r => r.Version).ToList();
        Assert.Contains("GLIBCXX_3.4.32", glibcxx);
        Assert.Contains("GLIBCXX_3.4", glibcxx);
        Assert.All(requirements, r => Assert.False(r.IsWeak));
    }

    [Fact]
    public void Marks_only_the_named_version_weak_and_changes_nothing_else()
    {
        var original = File.ReadAllBytes(LibTorchSharp);
        var patched = ElfVersionRequirements.MarkWeak(original, ["GLIBCXX_3.4.32"]);

        var after = ElfVersionRequirements.Read(patched);
        Assert.True(after.Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak);
        Assert.All(after.Where(r => r.Version != "GLIBCXX_3.4.32"), r => Assert.False(r.IsWeak));

        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Single(changed);
        Assert.Equal(ElfVersionRequirements.Read(original).Single(r => r.Version == "GLIBCXX_3.4.32").FlagsOffset, changed[0]);
    }

    [Fact]
    public void Refuses_to_relax_a_version_whose_symbols_are_called()
    {
        // GLIBCXX_3.4 covers std::string, streams and more that LibTorchSharp really calls.
        var error = Assert.Throws<InvalidOperationException>(() =>
            ElfVersionRequirements.MarkWeak(File.ReadAllBytes(LibTorchSharp), ["GLIBCXX_3.4"]));
        Assert.Contains("GLIBCXX_3.4", error.Message);
        Assert.Contains("calls", error.Message);
    }

    [Fact]
    public void Refuses_a_version_the_library_does_not_require()
    {
        Assert.Throws<InvalidOperationException>(() =>
            ElfVersionRequirements.MarkWeak(File.ReadAllBytes(LibTorchSharp), ["GLIBCXX_9.9.9"]));
    }

    [Fact]
    public void Rejects_files_that_are_not_elf_or_are_truncated()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionRequirements.Read("not an ELF file at all, just text......................................"u8.ToArray()));
        var truncated = File.ReadAllBytes(LibTorchSharp)[..4096];
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionRequirements.Read(truncated));
        Assert.Contains("truncated", error.Message);
    }
}
