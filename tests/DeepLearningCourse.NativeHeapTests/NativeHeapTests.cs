using System.Runtime.InteropServices;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

namespace DeepLearningCourse.NativeHeapTests;

// In a test process of their own (see the project file): the heap starts with little free in it, so a block that
// glibc does not map must grow the heap, and nothing else allocates or frees while glibc's count of mapped bytes is read.
public class NativeHeapTests
{
    const int Threshold = 4 << 20;

    [Fact]
    public void Large_tensors_get_mappings_of_their_own_even_after_a_larger_one_was_freed()
    {
        TorchNative.Load();
        Assert.StartsWith("glibc's malloc: blocks of 4 MB and more", NativeHeap.SetMmapThreshold(Threshold));
        // Left to adapt, glibc would raise its threshold to this tensor's size when it is freed, and serve the
        // next, smaller tensor from its heap
        torch.empty(3 * Threshold, torch.uint8).Dispose();
        var before = MappedBytes();
        using var tensor = torch.empty(Threshold + (1 << 20), torch.uint8);
        Assert.True(MappedBytes() - before >= tensor.NumberOfElements, $"a {tensor.NumberOfElements:N0}-byte tensor came from the heap, not a mapping of its own");
    }

    [Fact]
    public void After_loading_a_steps_memory_is_reused_without_page_faults_or_growth()
    {
        var threshold = LoadThreshold();
        // Set again here: the other tests may have changed it in this process.
        NativeHeap.SetMmapThreshold(threshold);
        // A step's activations, all freed when its scope ends, on a new thread other than the main one (a notebook's cells run on one)
        long[] sizes = [8 << 20, 8 << 20, 8 << 20, 2 << 20, 2 << 20, 2 << 20, 1 << 20, 1 << 20, 1 << 20, 512 << 10, 512 << 10];
        var pages = sizes.Sum() / Environment.SystemPageSize;
        var faults = new List<long>();
        var resident = new List<long>();
        var thread = new Thread(() =>
        {
            for (int step = 0; step < 30; step++)
            {
                var before = NativeHeap.MinorPageFaults();
                using (torch.NewDisposeScope())
                    foreach (var bytes in sizes) torch.ones(bytes, torch.uint8);
                faults.Add(NativeHeap.MinorPageFaults() - before);
                resident.Add(Environment.WorkingSet >> 20);
            }
        });
        thread.Start();
        thread.Join();
        if (threshold == NativeHeap.MaxMmapThreshold)
        {
            // Without huge pages every block comes from a heap that keeps its memory. Left to itself
            // (GLIBC_TUNABLES=glibc.malloc.perturb=0 with THP_MEM_ALLOC_ENABLE=0, which the library leaves alone, and the
            // setting above taken out), glibc gave every step from the third on 6,112 page faults for its 8,704 pages.
            // The first steps still fault while glibc's heaps settle (up to the sixth step in some runs).
            Assert.True(faults.Skip(15).All(f => f < pages / 10), $"page faults per step, of {pages} pages touched: {string.Join(", ", faults)}");
        }
        else
        {
            // With huge pages the 8 MB blocks never grow a heap: they are mappings of their own, in 2 MB pages. Kept in
            // the heap with a 32 MB threshold, they took the resident memory from 235 MB after the first step to 649 MB
            // after the 21st; with the setting it rose by up to 42 MB while the heaps settled (2 MB a step until the 20th
            // in one run).
            var stepBytes = sizes.Sum() >> 20;
            Assert.True(resident[^1] - resident[0] < 3 * stepBytes, $"resident memory after each step, MB: {string.Join(", ", resident)}");
        }
    }

    [Fact]
    public void After_loading_a_large_tensor_faults_in_huge_pages_where_the_kernel_gives_them()
    {
        var said = TorchNative.Load().HugePages;
        if (!NativeHeap.KernelGivesHugePages())
        {
            Assert.StartsWith("This kernel gives no transparent huge pages", said);
            return;
        }
        Assert.StartsWith("libtorch asks the kernel for 2 MB pages", said);
        // A mapping of its own, with fresh pages, as an LSTM's input projections for a whole sequence are
        const long bytes = 96L << 20;
        var pages = bytes / Environment.SystemPageSize;
        var before = NativeHeap.MinorPageFaults();
        using (var tensor = torch.ones(bytes, torch.uint8)) { }
        var faults = NativeHeap.MinorPageFaults() - before;
        // In 4 kB pages (THP_MEM_ALLOC_ENABLE=0 in the environment, which the library keeps) it took 24,600 page faults
        Assert.True(faults < pages / 10, $"{faults:N0} page faults for {pages:N0} pages of 4 kB");
    }

    [Fact]
    public void A_lessons_threshold_never_raises_the_librarys()
    {
        var threshold = LoadThreshold();
        NativeHeap.SetMmapThreshold(threshold);
        Assert.StartsWith("glibc's malloc already maps blocks of", NativeHeap.LimitMmapThreshold(threshold * 2));
        Assert.Equal(threshold, NativeHeap.MmapThreshold);
        Assert.StartsWith($"glibc's malloc: blocks of {threshold / 2 >> 20} MB and more", NativeHeap.LimitMmapThreshold(threshold / 2));
        Assert.Equal(threshold / 2, NativeHeap.MmapThreshold);
    }

    // The threshold the load fixed: 2 MB where libtorch gets huge pages, 32 MB where it does not.
    static int LoadThreshold()
    {
        var report = TorchNative.Load();
        var threshold = NativeHeap.KernelGivesHugePages() ? NativeHeap.HugePageMmapThreshold : NativeHeap.MaxMmapThreshold;
        Assert.StartsWith($"glibc's malloc: blocks of {threshold >> 20} MB and more", report.Heap);
        return threshold;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(NativeHeap.MaxMmapThreshold + 1)]
    public void A_threshold_glibc_would_refuse_is_an_error(int bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.SetMmapThreshold(bytes));
        Assert.Contains("between 1 byte and 32 MB", error.Message);
    }

    // glibc's count of bytes in blocks mapped on their own (hblkhd, the fifth of mallinfo2's ten fields)
    [DllImport("libc.so.6")]
    static extern MallocInfo mallinfo2();

    [StructLayout(LayoutKind.Sequential)]
    readonly record struct MallocInfo(nuint Arena, nuint OrdBlks, nuint SmBlks, nuint HBlks, nuint HBlkHd, nuint UsmBlks, nuint FsmBlks, nuint UordBlks, nuint FordBlks, nuint KeepCost);

    static long MappedBytes() => (long)mallinfo2().HBlkHd;
}
