using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Has libtorch compute convolutions and LSTMs with its own kernels instead of oneDNN's, as
/// <c>torch.backends.mkldnn.enabled = False</c> does in Python; TorchSharp has no such switch, so the library calls
/// libtorch's <c>at::Context</c> setters through their exported C++ names. oneDNN v3.7.1's faster kernels computed wrong
/// convolution gradients (see <see cref="OneDnnIsa"/>); libtorch's own kernels matched float64 on every instruction set
/// and trained faster than oneDNN's SSE4.1 ones (docs/NATIVE.md). NNPACK, the fallback libtorch then tries, goes off too: it cannot run on
/// most x86 CPUs and would print a warning into the first lesson that convolves.
/// </summary>
static class AtenOneDnn
{
    // at::globalContext(), at::Context::setUserEnabledMkldnn(bool), userEnabledMkldnn() and setUserEnabledNNPACK(bool),
    // in the Itanium C++ ABI that Linux and macOS builds of libtorch use.
    const string GlobalContext = "_ZN2at13globalContextEv";
    const string SetMkldnn = "_ZN2at7Context20setUserEnabledMkldnnEb";
    const string GetMkldnn = "_ZNK2at7Context17userEnabledMkldnnEv";
    const string SetNnpack = "_ZN2at7Context20setUserEnabledNNPACKEb";

    /// <summary>
    /// Switches oneDNN (and NNPACK) off for libtorch's operators unless the user chose oneDNN's instruction set
    /// (<see cref="OneDnnIsa.Variable"/>), which says they want its kernels; returns what was done, in a sentence.
    /// Call after libtorch has loaded from <paramref name="nativeFolders"/> (empty where TorchSharp loaded it by name).
    /// </summary>
    public static string SwitchOff(IReadOnlyList<string> nativeFolders)
    {
        if (Environment.GetEnvironmentVariable(OneDnnIsa.Variable) is { } isa)
            return $"{OneDnnIsa.Variable}={isa} is set: libtorch keeps using oneDNN.";
        var library = OperatingSystem.IsLinux() ? "libtorch_cpu.so" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : null;
        // By full path where the library preloaded it, so that a system-wide libtorch is never the one asked
        var path = nativeFolders.Select(folder => Path.Combine(folder, library ?? "")).FirstOrDefault(File.Exists) ?? library;
        if (path is null || !NativeLibrary.TryLoad(path, out var handle))
            return "libtorch's switch for oneDNN is not reachable on this system: oneDNN stays on.";
        if (!NativeLibrary.TryGetExport(handle, GlobalContext, out var context) || !NativeLibrary.TryGetExport(handle, SetMkldnn, out var setMkldnn)
            || !NativeLibrary.TryGetExport(handle, GetMkldnn, out var getMkldnn) || !NativeLibrary.TryGetExport(handle, SetNnpack, out var setNnpack))
            return $"{library} does not export at::Context's switches: oneDNN stays on.";
        unsafe
        {
            var global = ((delegate* unmanaged<IntPtr>)context)();
            ((delegate* unmanaged<IntPtr, byte, void>)setMkldnn)(global, 0);
            ((delegate* unmanaged<IntPtr, byte, void>)setNnpack)(global, 0);
            Enabled = ((delegate* unmanaged<IntPtr, byte>)getMkldnn)(global) != 0;
        }
        return Enabled
            ? "libtorch refused to switch oneDNN off: it stays on."
            : "libtorch computes convolutions and LSTMs with its own kernels, not oneDNN's (whose faster ones gave wrong gradients).";
    }

    /// <summary>Whether libtorch's operators may use oneDNN, as <see cref="SwitchOff"/> left it (true until it runs).</summary>
    public static bool Enabled { get; private set; } = true;
}
