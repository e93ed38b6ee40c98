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
    public void After_loading_a_step_takes_back_the_memory_the_last_step_freed_without_page_faults()
    {
        Assert.StartsWith("glibc's malloc: blocks of 32 MB and more", TorchNative.Load().Heap);
        // Set again here: the other test may have lowered the threshold already in this process.
        NativeHeap.SetMmapThreshold(NativeHeap.MaxMmapThreshold);
        // A step's activations, all freed when its scope ends, on a new thread other than the main one (a notebook's cells run on one)
        long[] sizes = [8 << 20, 8 << 20, 8 << 20, 2 << 20, 2 << 20, 2 << 20, 1 << 20, 1 << 20, 1 << 20, 512 << 10, 512 << 10];
        var pages = sizes.Sum() / Environment.SystemPageSize;
        var faults = new List<long>();
        var thread = new Thread(() =>
        {
            for (int step = 0; step < 20; step++)
            {
                var before = NativeHeap.MinorPageFaults();
                using (torch.NewDisposeScope())
                    foreach (var bytes in sizes) torch.ones(bytes, torch.uint8);
                faults.Add(NativeHeap.MinorPageFaults() - before);
            }
        });
        thread.Start();
        thread.Join();
        // Left to itself (GLIBC_TUNABLES=glibc.malloc.perturb=0, which the library leaves alone, and this test's first
        // two statements taken out), glibc gave every step from the third on 6,112 page faults for its 8,704 pages. With
        // the setting, the first steps still fault while glibc's heaps settle (up to the sixth step in some runs).
        Assert.True(faults.Skip(15).All(f => f < pages / 10), $"page faults per step, of {pages} pages touched: {string.Join(", ", faults)}");
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
