using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TorchSharp;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Makes TorchSharp's native libraries load on any Linux the course supports, before
/// TorchSharp initialises itself. Call <see cref="Load"/> first; the rest of the library does.
/// </summary>
/// <remarks>
/// Two problems are solved here, both on Linux only:
/// <list type="number">
/// <item>A libtorch installed system-wide (Debian's <c>python3-torch</c> pulls one in) would be
/// found by the dynamic linker before the NuGet package's. So the package's own
/// <c>libc10.so</c>, <c>libtorch_cpu.so</c> and <c>libtorch.so</c> are loaded first, by full
/// path; later lookups by name then match these already-loaded libraries.</item>
/// <item>TorchSharp's <c>libLibTorchSharp.so</c> may require a libstdc++ symbol version that
/// the system lacks but that it never uses (see <see cref="ElfVersionRequirements"/>). Then a
/// private copy with that requirement relaxed is written to the user's cache folder and
/// loaded instead. The NuGet cache and system files are never modified.</item>
/// </list>
/// On Windows and macOS TorchSharp's own loading is used unchanged. Once the libraries are in,
/// glibc's allocator is set up for training loops, and libtorch asks for huge pages (<see cref="NativeHeap"/>).
/// </remarks>
public static class TorchNative
{
    static readonly object gate = new();
    static LoadReport? report;

    /// <summary>
    /// What <see cref="Load"/> did: the folders the libraries came from, whether a relaxed copy was needed, and what it
    /// set up in the C library's allocator.
    /// </summary>
    public sealed record LoadReport(IReadOnlyList<string> NativeFolders, string? TorchSharpLibrary, IReadOnlyList<string> RelaxedVersions, string Backend)
    {
        /// <summary>What was done to the C library's allocator, in a sentence (<see cref="NativeHeap.SetMmapThreshold"/>).</summary>
        public string Heap { get; init; } = "";

        /// <summary>Whether libtorch asks for transparent huge pages, in a sentence (<see cref="NativeHeap.AdviseHugePages"/>).</summary>
        public string HugePages { get; init; } = "";

        /// <summary>Which instruction set oneDNN's kernels may use, and whether libtorch uses them, in two sentences (<see cref="OneDnnIsa.Apply"/>, <see cref="AtenOneDnn.SwitchOff"/>).</summary>
        public string OneDnn { get; init; } = "";
    }

    /// <summary>Loads the native libraries once per process and says how.</summary>
    public static LoadReport Load()
    {
        lock (gate)
        {
            if (report is not null) return report;
            // Before the libraries load: libtorch reads the variable once, at its first allocation.
            var hugePages = NativeHeap.AdviseHugePages(NativeHeap.KernelSetting());
            var oneDnn = OneDnnIsa.Apply();
            var loaded = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? LoadOnLinux() : new LoadReport([], null, [], "TorchSharp default");
            // Touching torch now initialises TorchSharp against what was just loaded.
            torch.InitializeDeviceType(DeviceType.CPU);
            if (loaded.NativeFolders.Count > 0) EnsureNoForeignLibtorch(loaded.NativeFolders);
            var aten = AtenOneDnn.SwitchOff(loaded.NativeFolders);
            var heap = NativeHeap.SetMmapThreshold(hugePages.Asked ? NativeHeap.HugePageMmapThreshold : NativeHeap.MaxMmapThreshold);
            return report = loaded with { Heap = heap, HugePages = hugePages.Sentence, OneDnn = $"{oneDnn} {aten}" };
        }
    }

    static readonly string[] cpuLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    static readonly string[] cudaLibraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    static LoadReport LoadOnLinux()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var backend = NativeFolders.Find(rid);
        if (!backend.IsCuda) return Preload(backend);
        // The CUDA packages spread their libraries (and CUDA's own) over several package folders, a layout
        // no machine here could check. If preloading them by path fails, TorchSharp's own loader, which
        // gathers those folders itself, is the better judge; GPU machines rarely have the old libstdc++.
        try { return Preload(backend); }
        catch (DllNotFoundException e)
        {
            Console.Error.WriteLine($"Preloading the CUDA libraries failed ({e.Message}); leaving it to TorchSharp.");
            return new LoadReport([], null, [], "CUDA, TorchSharp default loading");
        }
    }

    static LoadReport Preload(NativeFolders backend)
    {
        foreach (var library in backend.IsCuda ? cudaLibraries : cpuLibraries)
        {
            var path = backend.Folders.Select(f => Path.Combine(f, library)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                if (library.Contains("cuda")) continue;
                throw new DllNotFoundException($"{library} is not in the libtorch package folders ({string.Join(", ", backend.Folders)}). Restore TorchSharp-cpu (or TorchSharp-cuda-*) first.");
            }
            NativeLibrary.Load(path);
        }

        var original = backend.TorchSharpLibrary;
        var relaxed = new List<string>();
        var toLoad = original;
        for (int attempt = 0; ; attempt++)
        {
            var error = TryLoad(toLoad);
            if (error is null) break;
            var missing = Regex.Matches(error, @"version `([^']+)' not found").Select(m => m.Groups[1].Value).Except(relaxed).ToList();
            if (missing.Count == 0 || attempt > 3)
                throw new DllNotFoundException($"Could not load {toLoad}: {error}");
            relaxed.AddRange(missing);
            toLoad = WriteRelaxedCopy(original, relaxed);
        }
        return new LoadReport(backend.Folders, toLoad, relaxed, backend.IsCuda ? "CUDA" : "CPU");
    }

    /// <summary>
    /// Fails loudly if any libtorch library in the process came from somewhere other than the
    /// package (a system-wide libtorch, say): mixing two libtorch builds crashes later, far from the cause.
    /// </summary>
    static void EnsureNoForeignLibtorch(IReadOnlyList<string> folders)
    {
        var foreign = ForeignLibtorch(File.ReadLines("/proc/self/maps"), folders);
        if (foreign is not null)
            throw new InvalidOperationException($"A libtorch library was loaded from {foreign}, not from the TorchSharp package ({string.Join(", ", folders)}). Something loaded it before the course library could; start a fresh kernel and run the setup cell first.");
    }

    static string? TryLoad(string path)
    {
        try { NativeLibrary.Load(path); return null; }
        catch (DllNotFoundException e) { return e.Message; }
    }

    /// <summary>The first libtorch or c10 library in a /proc/self/maps listing that lies outside <paramref name="folders"/>.</summary>
    internal static string? ForeignLibtorch(IEnumerable<string> mapsLines, IReadOnlyList<string> folders) =>
        mapsLines
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("libtorch") || name.StartsWith("libc10")))
            .FirstOrDefault(path => !folders.Any(folder => path.StartsWith(folder.TrimEnd('/') + "/")));

    static readonly CacheFolder nativeCache = new(CacheRoot, Console.Error);

    static string WriteRelaxedCopy(string original, IReadOnlyList<string> versions) =>
        nativeCache.Write(root => RelaxedCopy(original, versions, root));

    /// <summary>
    /// The path of a copy of <paramref name="original"/> with <paramref name="versions"/> made weak, under
    /// <paramref name="cacheRoot"/>, keyed by the original's hash so upgrades never reuse a stale copy.
    /// </summary>
    /// <remarks>
    /// A copy already there is used only if it is byte for byte what relaxing the original gives now:
    /// a damaged copy (truncated, emptied, overwritten) would otherwise crash every later start with
    /// a bus error or an illegal instruction, and nothing would ever repair it. Deriving the bytes is
    /// cheap (one read of a few MB), so the copy is checked against them on every start and rewritten
    /// when it differs.
    /// </remarks>
    internal static string RelaxedCopy(string original, IReadOnlyList<string> versions, string cacheRoot)
    {
        var bytes = File.ReadAllBytes(original);
        var key = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant() + "-" + string.Join("+", versions.Order());
        var folder = Path.Combine(cacheRoot, "native", key);
        var target = Path.Combine(folder, Path.GetFileName(original));
        var relaxed = ElfVersionRequirements.MarkWeak(bytes, versions);
        if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(relaxed)) return target;

        Directory.CreateDirectory(folder);
        AtomicFile.Write(target, temporary => File.WriteAllBytes(temporary, relaxed));
        return target;
    }

    static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable(CacheVariable);
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "deep-learning-course");
    }

    /// <summary>The environment variable that moves the cache folder (the XDG convention; <c>~/.cache</c> when unset).</summary>
    const string CacheVariable = "XDG_CACHE_HOME";

    /// <summary>
    /// Where the relaxed copy is written: the cache root, or, once that proves unwritable (read-only, full, a file
    /// where the folder should be), a private temporary folder for the rest of the process, said once on
    /// <paramref name="notice"/>. Without it TorchSharp could not start at all.
    /// </summary>
    internal sealed class CacheFolder(Func<string> preferredRoot, TextWriter notice)
    {
        string? temporary;

        /// <summary>Runs <paramref name="write"/> with the cache root, moving to the temporary folder if it cannot be written.</summary>
        public string Write(Func<string, string> write)
        {
            if (temporary is null)
            {
                var root = preferredRoot();
                try { return write(root); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    var folder = temporary = Directory.CreateTempSubdirectory("deep-learning-course-").FullName;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                    {
                        try { Directory.Delete(folder, recursive: true); }
                        catch (Exception left) when (left is IOException or UnauthorizedAccessException) { }
                    };
                    notice.WriteLine($"The native cache folder {root} cannot be written ({e.Message}), so this run keeps its copy of libLibTorchSharp.so in {temporary}; " +
                        $"set {CacheVariable} to a writable folder to keep it between runs.");
                }
            }
            try { return write(temporary); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Neither the native cache folder nor the temporary folder {temporary} can be written ({e.Message}); set {CacheVariable} to a writable folder.", e);
            }
        }
    }

    /// <summary>Where the libtorch and TorchSharp native libraries of this process's packages are.</summary>
    sealed record NativeFolders(IReadOnlyList<string> Folders, string TorchSharpLibrary, bool IsCuda)
    {
        public static NativeFolders Find(string rid)
        {
            var torchSharp = typeof(torch).Assembly; // typeof does not run torch's static constructor.
            var assemblyFolder = Path.GetDirectoryName(torchSharp.Location)!;

            // A built app or test: the SDK copied the natives next to the assemblies.
            foreach (var folder in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"), AppContext.BaseDirectory, assemblyFolder })
            {
                if (File.Exists(Path.Combine(folder, "libtorch.so")) && File.Exists(Path.Combine(folder, "libLibTorchSharp.so")))
                    return new NativeFolders([folder], Path.Combine(folder, "libLibTorchSharp.so"), File.Exists(Path.Combine(folder, "libtorch_cuda.so")));
            }

            // A notebook: assemblies load straight from the NuGet cache,
            // <packages>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll.
            var torchSharpHome = Path.GetFullPath(Path.Combine(assemblyFolder, "..", ".."));
            var packages = Path.GetFullPath(Path.Combine(torchSharpHome, "..", ".."));
            var library = Path.Combine(torchSharpHome, "runtimes", rid, "native", "libLibTorchSharp.so");
            if (!File.Exists(library))
                throw new DllNotFoundException($"libLibTorchSharp.so is not where TorchSharp {torchSharp.GetName().Version} keeps it ({library}).");

            var version = LibTorchVersion(torchSharp);
            var cuda = CudaDriverPresent() ? PackageFolders(packages, $"libtorch-cuda-*-{rid}*", version, rid) : [];
            if (cuda.Count > 0) return new NativeFolders(cuda, library, IsCuda: true);
            var cpu = PackageFolders(packages, $"libtorch-cpu-{rid}", version, rid);
            if (cpu.Count > 0) return new NativeFolders(cpu, library, IsCuda: false);
            throw new DllNotFoundException($"No libtorch {version} package for {rid} is restored under {packages}. Reference TorchSharp-cpu (or TorchSharp-cuda-linux) before the course library.");
        }

        static List<string> PackageFolders(string packages, string pattern, string version, string rid) =>
            Directory.Exists(packages)
                ? Directory.GetDirectories(packages, pattern)
                    .Select(p => Path.Combine(p, version, "runtimes", rid, "native"))
                    .Where(Directory.Exists)
                    .Order(StringComparer.Ordinal)
                    .ToList()
                : [];

        /// <summary>
        /// The libtorch package version this TorchSharp was built against (2.10.0 for 0.107.0). It is a
        /// constant, so reading it through reflection does not run torch's static constructor.
        /// </summary>
        static string LibTorchVersion(Assembly torchSharp)
        {
            var field = typeof(torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new MissingFieldException($"TorchSharp {torchSharp.GetName().Version} no longer records its libtorch version; update TorchNative.");
            var parts = ((string)field.GetRawConstantValue()!).Split('.');
            return parts.Length == 4 && parts[3] == "0" ? string.Join('.', parts[..3]) : string.Join('.', parts);
        }

        static bool CudaDriverPresent()
        {
            if (!NativeLibrary.TryLoad("libcuda.so.1", out var handle)) return false;
            NativeLibrary.Free(handle);
            return true;
        }
    }
}
