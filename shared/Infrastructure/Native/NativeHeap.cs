using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// glibc's <c>malloc</c>, where libtorch's CPU tensors come from, set up for a training loop whose steps mix
/// tensor sizes (Section 4's LSTM). Lessons call it through <see cref="Course.SetMallocMmapThreshold"/>.
/// </summary>
/// <remarks>
/// glibc maps a large block on its own only until a block that size has been freed; after that it serves blocks of
/// up to 32 MB from its heap (its mmap threshold adapts upwards). The LSTM step frees and allocates a mix of 1 MB
/// and 4–26 MB tensors, and in the heap they leave holes that the next steps' tensors do not fit: with the same 34
/// live tensors, the heap grew by hundreds of MB an epoch (bench/TrainingBench, lstm). A fixed threshold makes the
/// large tensors mappings of their own again, which go back to the system when freed (a block glibc can cut from free
/// memory already in its heap still comes from there: the setting stops new holes, it does not fill old ones). The trim threshold is fixed
/// too, because fixing either one stops glibc adapting both, and its 128 kB default would hand the top of the heap
/// back after nearly every step. The price is paid by loops that allocate many such blocks every batch: each one
/// then comes as fresh pages from the kernel (the convolutional workloads ran 5–15% slower), so this is a setting
/// for one process, the lesson's, and not the library's default.
/// </remarks>
public static class NativeHeap
{
    /// <summary>Free memory at the top of the heap beyond this goes back to the system (where glibc's own adaptation ends).</summary>
    public const int TrimThreshold = 64 << 20;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit systems (half its 64 MB heap size).</summary>
    public const int MaxMmapThreshold = 32 << 20;

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>
    /// Fixes glibc's mmap threshold at <paramref name="bytes"/> and its trim threshold at <see cref="TrimThreshold"/>
    /// for this process; returns a sentence saying what was done. Settings the user made with
    /// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> or malloc's <c>GLIBC_TUNABLES</c> are kept, and
    /// other systems and C libraries are left alone.
    /// </summary>
    public static string SetMmapThreshold(int bytes)
    {
        if (bytes is <= 0 or > MaxMmapThreshold)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"glibc's mmap threshold must be between 1 byte and {MaxMmapThreshold >> 20} MB.");
        var size = bytes % (1 << 20) == 0 ? $"{bytes >> 20} MB" : $"{bytes:N0} bytes";
        if (!OperatingSystem.IsLinux())
            return "Not Linux: the C library's allocator is left as it is.";
        if (new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_" }.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null) is { } variable)
            return $"{variable} is set in the environment: glibc's malloc keeps the settings made there.";
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.") == true)
            return "GLIBC_TUNABLES sets malloc's parameters: glibc's malloc keeps the settings made there.";
        try
        {
            return Mallopt(M_MMAP_THRESHOLD, bytes) == 1 && Mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1
                ? $"glibc's malloc: blocks of {size} and more get memory mappings of their own, which go back to the system when freed."
                : "The C library refused the setting (mallopt returned 0): its allocator is left as it is.";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "The C library is not glibc: its allocator is left as it is.";
        }
    }
}
