using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

/// <summary>
/// The library's shuffling, splits and augmentation take their seeds from torch's global generator, so a
/// lesson's torch.manual_seed governs them. These tests seed that generator, hence their collection.
/// </summary>
[Collection(ProcessWideState.Name)]
public class SeedTests
{
    public SeedTests() => TorchFixture.Ensure();

    static long[] Order(DataLoader loader) => loader.SelectMany(batch => batch.Labels.data<long>().ToArray()).ToArray();

    static long[] OrderAfterSeed(int seed)
    {
        manual_seed(seed);
        return Order(new DataLoader(new NumberDataset(40), 8, shuffle: true));
    }

    [Fact]
    public void Loaders_created_after_the_same_manual_seed_shuffle_alike()
    {
        var first = OrderAfterSeed(7);
        var again = OrderAfterSeed(7);
        var other = OrderAfterSeed(8);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), first.Order());
        Assert.NotEqual(Enumerable.Range(0, 40).Select(i => (long)i), first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Splits_and_augmentation_follow_manual_seed_too()
    {
        var dataset = new NumberDataset(50);
        using var image = arange(3 * 16 * 16, dtype: ScalarType.Float32).reshape(3, 16, 16);

        (long[] Train, float[] Augmented) Draw(int seed)
        {
            manual_seed(seed);
            var (train, _) = Datasets.RandomSplit(dataset, 0.2);
            using var augmented = Transforms.RandomResizedCrop(8).call(image);
            return (train.Indices.ToArray(), augmented.data<float>().ToArray());
        }

        var first = Draw(3);
        var again = Draw(3);
        var other = Draw(4);

        Assert.Equal(first.Train, again.Train);
        Assert.Equal(first.Augmented, again.Augmented);
        Assert.NotEqual(first.Train, other.Train);
        Assert.NotEqual(first.Augmented, other.Augmented);
    }

    [Fact]
    public void A_loop_broken_early_leaves_only_the_batch_it_kept()
    {
        var loader = new DataLoader(new NumberDataset(60), 6, prefetch: true);
        Order(loader);   // warm up: anything created once per process is created now

        // A tensor left to the finaliser must count as a leak, so the garbage collector stays out of it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = Tensor.TotalCount;
        var noGc = GC.TryStartNoGCRegion(100_000_000);
        try
        {
            Tensor? data = null, labels = null;
            foreach (var batch in loader)
            {
                (data, labels) = batch;
                // Read without indexing, which would make a tensor of its own.
                if (labels.data<long>()[0] >= 12) break;   // at the third batch, while the fourth is being prepared
            }

            Assert.Equal(live + 2, Tensor.TotalCount);
            Assert.Equal([12L, 13, 14, 15, 16, 17], labels!.data<long>().ToArray());
            data!.Dispose();
            labels.Dispose();
            Assert.Equal(live, Tensor.TotalCount);
        }
        finally
        {
            if (noGc) GC.EndNoGCRegion();
        }
    }
}
