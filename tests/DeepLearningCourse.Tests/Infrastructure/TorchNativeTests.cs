using System.Runtime.InteropServices;
using System.Text;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

namespace DeepLearningCourse.Tests.Infrastructure;

public class TorchNativeTests
{
    [Fact]
    public void Tensors_and_autograd_work_after_loading()
    {
        TorchFixture.Ensure();
        using var x = torch.tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void OneDnn_is_kept_on_its_sse41_kernels_unless_the_user_chose()
    {
        var report = TorchNative.Load();
        var chosen = Environment.GetEnvironmentVariable(OneDnnIsa.Variable);
        // oneDNN reads the C library's environment, not .NET's copy of it.
        Assert.Equal(chosen ?? OneDnnIsa.Cap, Marshal.PtrToStringUTF8(getenv(OneDnnIsa.Variable)));
        Assert.Contains(chosen ?? OneDnnIsa.Cap, report.OneDnn);
    }

    [Fact]
    public void Libtorch_computes_without_onednn_unless_the_user_chose_its_kernels()
    {
        var report = TorchNative.Load();
        var chosen = Environment.GetEnvironmentVariable(OneDnnIsa.Variable) is not null;
        Assert.Equal(chosen, AtenOneDnn.Enabled);
        Assert.Contains(chosen ? "keeps using oneDNN" : "its own kernels", report.OneDnn);
    }

    [DllImport("libc.so.6")]
    static extern IntPtr getenv(string name);

    [Fact]
    public void Libtorch_comes_from_the_package_not_the_system()
    {
        var report = TorchNative.Load();
        var mapped = MappedLibraries();
        foreach (var name in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so" })
        {
            var paths = mapped.Where(p => Path.GetFileName(p).StartsWith(name[..^3] + ".so")).ToList();
            Assert.NotEmpty(paths);
            Assert.All(paths, p => Assert.Contains(report.NativeFolders, folder => p.StartsWith(folder)));
        }
        Assert.DoesNotContain(mapped, p => p.StartsWith("/usr/lib") && Path.GetFileName(p).StartsWith("libtorch"));
    }

    [Fact]
    public void Relaxes_exactly_the_versions_the_system_libstdcxx_lacks()
    {
        var report = TorchNative.Load();
        var original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var systemLibstdcxx = MappedLibraries().Single(p => Path.GetFileName(p).StartsWith("libstdc++.so"));
        var provided = Encoding.ASCII.GetString(File.ReadAllBytes(systemLibstdcxx));

        var lacking = ElfVersionRequirements.Read(File.ReadAllBytes(original))
            .Where(r => r.Library == "libstdc++.so.6" && !provided.Contains(r.Version + "\0"))
            .Select(r => r.Version)
            .ToList();

        Assert.Equal(lacking.Order(), report.RelaxedVersions.Order());
        if (lacking.Count == 0)
            Assert.Equal(original, report.TorchSharpLibrary);
        else
            Assert.DoesNotContain(".nuget", report.TorchSharpLibrary);
    }

    [Fact]
    public void A_libtorch_mapped_from_outside_the_package_is_found()
    {
        string[] folders = ["/home/u/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"];
        string[] clean =
        [
            "7f00-7f01 r-xp 00000000 fd:01 42  /home/u/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native/libtorch_cpu.so",
            "7f01-7f02 r-xp 00000000 fd:01 43  /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
            "7f02-7f03 rw-p 00000000 00:00 0 ",
        ];
        Assert.Null(TorchNative.ForeignLibtorch(clean, folders));

        string[] mixed = [.. clean, "7f03-7f04 r-xp 00000000 fd:01 44  /usr/lib/x86_64-linux-gnu/libc10.so.1.13.0"];
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc10.so.1.13.0", TorchNative.ForeignLibtorch(mixed, folders));
    }

    [Theory]
    [InlineData("cut to half")]
    [InlineData("emptied")]
    [InlineData("code overwritten")]
    public void A_damaged_relaxed_copy_is_rebuilt_before_it_is_loaded(string damage)
    {
        // Before the copy was checked, a damaged one was reused forever (bus error, illegal instruction, "file too short").
        var root = Directory.CreateTempSubdirectory("native-cache-").FullName;
        try
        {
            var original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            string[] versions = ["GLIBCXX_3.4.32"];
            var copy = TorchNative.RelaxedCopy(original, versions, root);
            var intact = File.ReadAllBytes(copy);
            Assert.NotEqual(File.ReadAllBytes(original), intact);

            var damaged = damage switch
            {
                "cut to half" => intact[..(intact.Length / 2)],
                "emptied" => [],
                _ => [.. intact[..(intact.Length / 3)], .. Enumerable.Repeat((byte)0x0F, 4096), .. intact[(intact.Length / 3 + 4096)..]],
            };
            File.WriteAllBytes(copy, damaged);

            Assert.Equal(copy, TorchNative.RelaxedCopy(original, versions, root));
            Assert.Equal(intact, File.ReadAllBytes(copy));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_cache_folder_that_cannot_be_written_falls_back_to_a_temporary_folder_and_says_so_once()
    {
        // Before, RelaxedCopy's IOException ("a file with the same name already exists") stopped TorchSharp from starting.
        var blocked = Path.GetTempFileName(); // a plain file where the cache folder should be
        var notice = new StringWriter();
        var cache = new TorchNative.CacheFolder(() => blocked, notice);
        var original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string[] versions = ["GLIBCXX_3.4.32"];
        string? copy = null;
        try
        {
            copy = cache.Write(root => TorchNative.RelaxedCopy(original, versions, root));
            Assert.Equal(copy, cache.Write(root => TorchNative.RelaxedCopy(original, versions, root)));

            Assert.StartsWith(Path.GetTempPath(), copy);
            Assert.DoesNotContain(blocked, copy);
            Assert.Equal(ElfVersionRequirements.MarkWeak(File.ReadAllBytes(original), versions), File.ReadAllBytes(copy));
            var lines = notice.ToString().TrimEnd().Split('\n');
            var line = Assert.Single(lines);
            Assert.StartsWith($"The native cache folder {blocked} cannot be written", line);
            Assert.Contains(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(copy)))!, line);
            Assert.Contains("set XDG_CACHE_HOME to a writable folder", line);
        }
        finally
        {
            File.Delete(blocked);
            if (copy is not null) Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(copy)))!, recursive: true);
        }
    }

    [Fact]
    public void Loading_twice_returns_the_same_report()
    {
        Assert.Same(TorchNative.Load(), TorchNative.Load());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("always madvise [never]\n")]
    public void A_kernel_without_transparent_huge_pages_is_left_alone(string? kernelSetting)
    {
        var (asked, sentence) = NativeHeap.AdviseHugePages(kernelSetting);
        Assert.False(asked);
        Assert.StartsWith("This kernel gives no transparent huge pages", sentence);
    }

    static List<string> MappedLibraries() =>
        File.ReadAllLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].StartsWith('/'))
            .Select(f => f[5])
            .Distinct()
            .ToList();
}
