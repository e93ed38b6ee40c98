using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// glibc's <c>malloc</c>, where libtorch's CPU tensors come from, set up for training loops: every process gets
/// <see cref="SetMmapThreshold"/> at <see cref="MaxMmapThreshold"/> when <see cref="TorchNative.Load"/> runs, and a
/// lesson whose steps mix tensor sizes (Section 4's LSTM) lowers the threshold through
/// <see cref="Course.SetMallocMmapThreshold"/>.
/// </summary>
/// <remarks>
/// <para>A training step frees its activations together when its dispose scope ends, and left to itself glibc hands
/// much of that memory back to the system, to take it back in the next step as fresh pages: one page fault per 4 kB,
/// each page filled with zeros by the kernel. It adapts its thresholds to the largest block freed so far, and gives
/// back the top of its heap beyond twice that; a thread other than the main one (where a notebook's cells run)
/// allocates from heaps of at most 64 MB each, and one that a step filled and emptied is unmapped whole. Fixed at the
/// largest mmap threshold glibc accepts (32 MB), with 64 MB both as trim threshold and as the padding it keeps at the
/// top of a heap, blocks under 32 MB come from heaps that keep their memory for the next step, on every thread, at the
/// cost of up to 64 MB of free memory a heap (the bench's memory runs print each run's page faults).</para>
/// <para>A loop that frees and allocates a mix of 1 MB and 4–26 MB tensors (the LSTM step) leaves holes in such a
/// heap that the next steps' tensors do not fit: with the same 34 live tensors, the heap grew by hundreds of MB an
/// epoch. A threshold of 4 MB makes those tensors mappings of their own again, which go back to the system when freed
/// (a block glibc can cut from free memory already in its heap still comes from there: the setting stops new holes,
/// it does not fill old ones). The price is paid by loops that allocate many such blocks every batch: each one then
/// comes as fresh pages from the kernel (the convolutional workloads ran 5–15% slower), so that is a setting for the
/// LSTM lesson's own process.</para>
/// </remarks>
public static class NativeHeap
{
    /// <summary>Free memory at the top of a heap beyond this goes back to the system (where glibc's own adaptation ends).</summary>
    public const int TrimThreshold = 64 << 20;

    /// <summary>Free memory glibc keeps at the top of a heap when it grows or trims one: a thread's whole 64 MB heap.</summary>
    public const int TopPad = 64 << 20;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit systems (half its 64 MB heap size).</summary>
    public const int MaxMmapThreshold = 32 << 20;

    const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    static readonly string[] variables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"];

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>
    /// The process's minor page faults so far (Linux, field 10 of <c>/proc/self/stat</c>): pages the kernel handed it,
    /// as it does again for memory glibc gave back.
    /// </summary>
    public static long MinorPageFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7]);

    /// <summary>
    /// Fixes glibc's mmap threshold at <paramref name="bytes"/>, its trim threshold at <see cref="TrimThreshold"/> and
    /// its top padding at <see cref="TopPad"/> for this process; returns a sentence saying what was done. Settings the
    /// user made with <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>, <c>MALLOC_TOP_PAD_</c> or malloc's
    /// <c>GLIBC_TUNABLES</c> are kept, and other systems and C libraries are left alone.
    /// </summary>
    public static string SetMmapThreshold(int bytes)
    {
        if (bytes is <= 0 or > MaxMmapThreshold)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"glibc's mmap threshold must be between 1 byte and {MaxMmapThreshold >> 20} MB.");
        var size = bytes % (1 << 20) == 0 ? $"{bytes >> 20} MB" : $"{bytes:N0} bytes";
        if (!OperatingSystem.IsLinux())
            return "Not Linux: the C library's allocator is left as it is.";
        if (variables.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null) is { } variable)
            return $"{variable} is set in the environment: glibc's malloc keeps the settings made there.";
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.") == true)
            return "GLIBC_TUNABLES sets malloc's parameters: glibc's malloc keeps the settings made there.";
        try
        {
            return Mallopt(M_MMAP_THRESHOLD, bytes) == 1 && Mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1 && Mallopt(M_TOP_PAD, TopPad) == 1
                ? $"glibc's malloc: blocks of {size} and more get memory mappings of their own, which go back to the system when freed; "
                  + $"smaller ones come from its heaps, which keep up to {TrimThreshold >> 20} MB of freed memory for the next."
                : "The C library refused the setting (mallopt returned 0): its allocator is left as it is.";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "The C library is not glibc: its allocator is left as it is.";
        }
    }
}
