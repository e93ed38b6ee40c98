namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Caps oneDNN, libtorch's CPU convolution library, at its SSE4.1 kernels: the fallback for where
/// <see cref="AtenOneDnn"/> cannot switch oneDNN off. oneDNN v3.7.1 (libtorch 2.10) computed wrong convolution
/// gradients with its AVX2 and AVX-512 kernels on an AVX-512 AMD EPYC; the SSE4.1 ones matched float64. A value the
/// user gives <c>ONEDNN_MAX_CPU_ISA</c> is kept. See docs/NATIVE.md.
/// </summary>
public static class OneDnnIsa
{
    /// <summary>The variable oneDNN reads, once, the first time it picks a kernel.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The highest instruction set the library lets oneDNN use.</summary>
    public const string Cap = "SSE41";

    /// <summary>Caps oneDNN at <see cref="Cap"/> unless the user chose a cap; says in a sentence what was done.</summary>
    public static string Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { } value)
            return $"{Variable}={value} is set in the environment: oneDNN follows it.";
        if (!OperatingSystem.IsLinux())
            return "Not Linux: oneDNN picks its kernels for this CPU.";
        try
        {
            return NativeEnvironment.Set(Variable, Cap)
                ? $"oneDNN uses its {Cap} kernels (its AVX2 and AVX-512 ones computed wrong gradients; set {Variable} to choose)."
                : $"The C library refused to set {Variable}: oneDNN picks its kernels for this CPU.";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "The C library is not glibc: oneDNN picks its kernels for this CPU.";
        }
    }
}
