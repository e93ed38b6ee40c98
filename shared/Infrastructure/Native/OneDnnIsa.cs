namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Keeps oneDNN, libtorch's CPU convolution library, on its SSE4.1 kernels. oneDNN v3.7.1 (libtorch 2.10) computed
/// wrong convolution gradients with its AVX2 and AVX-512 kernels on an AVX-512 AMD EPYC: the autoencoders' loss went
/// NaN, and conv1's weight gradient (1 input channel) was off by up to 87% of its size against float64, depending on
/// what ran before it in the process. The SSE4.1 kernels matched float64 in every case; convolutions train about 1.5
/// times slower with them. A value the user gives <c>ONEDNN_MAX_CPU_ISA</c> is kept. See docs/NATIVE.md.
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
