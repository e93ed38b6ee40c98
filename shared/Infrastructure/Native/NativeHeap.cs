using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Native;

/// <summary>
/// The memory libtorch's CPU tensors come from, set up for training loops when <see cref="TorchNative.Load"/> runs:
/// libtorch asks the kernel for transparent huge pages (<see cref="AdviseHugePages"/>), and glibc's <c>malloc</c>
/// gets a fixed mmap threshold (<see cref="SetMmapThreshold"/>): <see cref="HugePageMmapThreshold"/> with huge
/// pages, <see cref="MaxMmapThreshold"/> without.
/// </summary>
/// <remarks>Why these settings, and what the alternatives measured: docs/NATIVE.md, "The native heap".</remarks>
public static class NativeHeap
{
    /// <summary>Free memory at the top of a heap beyond this goes back to the system (where glibc's own adaptation ends).</summary>
    public const int TrimThreshold = 64 << 20;

    /// <summary>Free memory glibc keeps at the top of a heap when it grows or trims one: a thread's whole 64 MB heap.</summary>
    public const int TopPad = 64 << 20;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit systems (half its 64 MB heap size).</summary>
    public const int MaxMmapThreshold = 32 << 20;

    /// <summary>The mmap threshold with huge pages: the size from which libtorch asks for them.</summary>
    public const int HugePageMmapThreshold = 2 << 20;

    /// <summary>The variable libtorch's CPU allocator reads once, at its first allocation: 1 asks for huge pages.</summary>
    public const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Where Linux says whether it gives transparent huge pages: always, to regions that ask (madvise), or never.</summary>
    const string HugePagesSetting = "/sys/kernel/mm/transparent_hugepage/enabled";

    const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    static readonly string[] variables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"];

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>The mmap threshold this process fixed (<see cref="SetMmapThreshold"/>), or null while glibc adapts its own.</summary>
    public static int? MmapThreshold { get; private set; }

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
        if (!OperatingSystem.IsLinux())
            return "Not Linux: the C library's allocator is left as it is.";
        if (variables.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null) is { } variable)
            return $"{variable} is set in the environment: glibc's malloc keeps the settings made there.";
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.") == true)
            return "GLIBC_TUNABLES sets malloc's parameters: glibc's malloc keeps the settings made there.";
        try
        {
            if (Mallopt(M_MMAP_THRESHOLD, bytes) != 1 || Mallopt(M_TRIM_THRESHOLD, TrimThreshold) != 1 || Mallopt(M_TOP_PAD, TopPad) != 1)
                return "The C library refused the setting (mallopt returned 0): its allocator is left as it is.";
            MmapThreshold = bytes;
            return $"glibc's malloc: blocks of {Size(bytes)} and more that its heaps have no room for get memory mappings of their own, which go back to the system when freed; "
                + $"smaller ones grow its heaps, which keep up to {TrimThreshold >> 20} MB of freed memory for the next.";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "The C library is not glibc: its allocator is left as it is.";
        }
    }

    /// <summary>
    /// Makes sure blocks of <paramref name="bytes"/> and more never grow glibc's heaps: fixes the mmap threshold there
    /// (<see cref="SetMmapThreshold"/>) unless this process already fixed it there or lower, as the library does with
    /// huge pages; returns a sentence saying what was done.
    /// </summary>
    public static string LimitMmapThreshold(int bytes) =>
        MmapThreshold is int threshold && threshold <= bytes
            ? $"glibc's malloc already maps blocks of {Size(threshold)} and more on their own when its heaps have no room for them: kept."
            : SetMmapThreshold(bytes);

    static string Size(int bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20} MB" : $"{bytes:N0} bytes";

    /// <summary>Whether this kernel gives transparent huge pages (to every region, or to those that ask for them).</summary>
    public static bool KernelGivesHugePages() => GivesHugePages(KernelSetting());

    /// <summary>The contents of <see cref="HugePagesSetting"/>, null where the kernel has none.</summary>
    internal static string? KernelSetting() => File.Exists(HugePagesSetting) ? File.ReadAllText(HugePagesSetting) : null;

    static bool GivesHugePages(string? kernelSetting) => kernelSetting is not null && !kernelSetting.Contains("[never]");

    /// <summary>
    /// Has libtorch ask the kernel to back its blocks of 2 MB and more with transparent huge pages, one page fault per
    /// 2 MB instead of 512 (<see cref="HugePagesVariable"/>), where the kernel gives them (<paramref name="kernelSetting"/>,
    /// as <see cref="KernelSetting"/> reads it). Says whether libtorch will ask, and in a sentence what was done. Takes
    /// effect only before libtorch's first allocation: <see cref="TorchNative.Load"/> calls it before it loads the
    /// libraries. A value the user gave the variable is kept, and other systems are left alone.
    /// </summary>
    internal static (bool Asked, string Sentence) AdviseHugePages(string? kernelSetting)
    {
        if (!OperatingSystem.IsLinux())
            return (false, "Not Linux: libtorch's pages are left as they are.");
        if (!GivesHugePages(kernelSetting))
            return (false, "This kernel gives no transparent huge pages: libtorch's pages are 4 kB ones.");
        if (Environment.GetEnvironmentVariable(HugePagesVariable) is { } value)
            return (value.Trim() == "1", $"{HugePagesVariable}={value} is set in the environment: libtorch follows it.");
        try
        {
            // Into the C library's environment, where libtorch reads it (.NET keeps a copy of its own for child processes).
            return NativeEnvironment.Set(HugePagesVariable, "1")
                ? (true, "libtorch asks the kernel for 2 MB pages for its blocks of 2 MB and more (transparent huge pages).")
                : (false, $"The C library refused to set {HugePagesVariable}: libtorch's pages are 4 kB ones.");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (false, "The C library is not glibc: libtorch's pages are left as they are.");
        }
    }
}
