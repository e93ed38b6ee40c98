using System.Runtime.InteropServices;
using TorchSharp;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// Keeps the tensor work of the library's helper threads (a loader's prefetching thread, the threads that decode
/// photos) on those threads, as PyTorch's DataLoader does in its workers (<c>torch.set_num_threads(1)</c>).
/// </summary>
/// <remarks>
/// On the CPU, libtorch spreads a large operation over a team of OpenMP threads, and every thread that starts one
/// gets a team of its own. Once the process holds more OpenMP threads than cores, GNU OpenMP stops letting its idle
/// threads spin between parallel operations: they sleep and are woken for each one. Measured on 2 cores (a console
/// probe): after one <c>index_select</c> on a thread-pool thread, epochs of a small MLP's training steps on the
/// main thread took 1.4–2.0 s instead of 0.64–0.97 s (two processes), for the rest of the process. Helper threads make their
/// batches alongside the training, so they gain little from a team of their own anyway.
/// Only libtorch builds with GNU OpenMP (Linux) are affected; elsewhere <see cref="OnOneThread{T}"/> just runs the work.
/// </remarks>
static class OpenMpThreads
{
    delegate void SetNumThreads(int count);

    static readonly SetNumThreads? setNumThreads = Find();

    /// <summary>Whether this process's libtorch lets the library set a thread's OpenMP thread count.</summary>
    public static bool Available => setNumThreads is not null;

    /// <summary>Runs <paramref name="work"/> with this thread's tensor operations on this thread alone, then restores its setting.</summary>
    public static T OnOneThread<T>(Func<T> work)
    {
        if (setNumThreads is null) return work();
        // libtorch sets a thread's OpenMP thread count from its global setting on the thread's first operation; asking
        // for it makes that happen now, so that it cannot undo the setting below later.
        var before = torch.get_num_threads();
        setNumThreads(1);
        try { return work(); }
        finally { setNumThreads(before); }
    }

    static SetNumThreads? Find()
    {
        // libgomp is one of libtorch_cpu's dependencies, which a lookup through libtorch_cpu's handle searches too.
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libtorch_cpu.so", out var torchCpu)) return null;
        return NativeLibrary.TryGetExport(torchCpu, "omp_set_num_threads", out var address)
            ? Marshal.GetDelegateForFunctionPointer<SetNumThreads>(address)
            : null;
    }
}
