using DeepLearningCourse.Data;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class DataLoaderTests
{
    public DataLoaderTests() => TorchFixture.Ensure();

    static InMemoryImageDataset Digits(TemporaryFolder root, int count, torchvision.ITransform? transform = null)
    {
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", count);
        return Datasets.LoadIdx(DatasetCatalog.Mnist, true, transform, root.Path, fast: false);
    }

    [Fact]
    public void Batched_loading_gives_the_same_batches_as_TorchSharps_loader()
    {
        using var root = new TemporaryFolder();
        var dataset = Digits(root, 150, Transforms.Normalize([0.5], [0.5]));

        var ours = new DataLoader(dataset, 64).Select(b => (b.Data.clone(), b.Labels.clone())).ToList();
        using var theirs = torch.utils.data.DataLoader(dataset, 64, shuffle: false, disposeDataset: false);
        var reference = theirs.Select(b => (b["data"].clone(), b["label"].clone())).ToList();

        Assert.Equal(3, ours.Count);
        Assert.Equal([22L, 1, 28, 28], ours[2].Item1.shape);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(ours[i].Item1.allclose(reference[i].Item1));
            Assert.True(ours[i].Item2.equal(reference[i].Item2).all().item<bool>());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Shuffled_epochs_cover_every_sample_in_a_new_order_that_repeats_with_the_seed(bool prefetch)
    {
        using var root = new TemporaryFolder();
        var dataset = Digits(root, 100);
        var loader = new DataLoader(dataset, 32, shuffle: true, seed: 3, prefetch: prefetch);
        var twin = new DataLoader(dataset, 32, shuffle: true, seed: 3, prefetch: !prefetch);

        // The pixel value identifies the sample: image i is filled with (i * 37) % 256.
        long[] Epoch(DataLoader l) => l.SelectMany(b => (b.Data[.., 0, 5, 5] * 255).round().to(ScalarType.Int64).data<long>().ToArray()).ToArray();
        var first = Epoch(loader);
        var second = Epoch(loader);

        Assert.Equal(4, loader.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)(i * 37 % 256)).Order(), first.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(first, Epoch(twin));
    }

    [Fact]
    public void Every_batch_is_freed_when_the_loop_moves_on_and_First_is_kept()
    {
        using var root = new TemporaryFolder();
        var dataset = Digits(root, 100);
        var loader = new DataLoader(dataset, 30, shuffle: true, seed: 1, prefetch: true);

        var seen = new List<Tensor>();
        foreach (var (images, labels) in loader) seen.AddRange([images, labels]);
        var (kept, keptLabels) = loader.First();

        Assert.Equal(8, seen.Count);
        Assert.All(seen, t => Assert.True(t.IsInvalid));
        Assert.False(kept.IsInvalid);
        Assert.False(keptLabels.IsInvalid);
        Assert.Equal([30L, 1, 28, 28], kept.shape);
        Assert.Equal([30L], keptLabels.shape);
        Assert.True(kept.sum().item<float>() > 0);
        kept.Dispose();
        keptLabels.Dispose();
    }

    [Fact]
    public void Prefetching_is_on_by_default_only_where_making_a_batch_is_single_threaded_work()
    {
        using var root = new TemporaryFolder();
        var normalized = Digits(root, 64, Transforms.Normalize([0.5], [0.5]));
        var augmented = Digits(root, 64, Transforms.RandomRotation(10));
        var manyCores = Environment.ProcessorCount > 2;

        Assert.Equal(manyCores, new DataLoader(normalized, 16).Prefetch);
        Assert.True(new DataLoader(augmented, 16).Prefetch);
        Assert.True(new DataLoader(Datasets.RandomSplit(augmented, 0.25).Train, 16).Prefetch);
        Assert.False(new DataLoader(augmented, 16, prefetch: false).Prefetch);
    }

    [Fact]
    public void Memory_stays_flat_over_epochs()
    {
        using var root = new TemporaryFolder();
        var dataset = Digits(root, 200, Transforms.Normalize([0.5], [0.5]));
        var loader = new DataLoader(dataset, 64, shuffle: true, prefetch: false);

        var counts = new List<long>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            foreach (var (images, _) in loader)
                using (NewDisposeScope()) images.sum().item<float>();
            counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.Equal(counts[0], counts[2]);
        Assert.Equal(counts[0], counts[1]);
    }

    [Fact]
    public void Photo_folders_are_decoded_in_parallel_and_stacked_in_order()
    {
        using var root = new TemporaryFolder();
        for (int i = 0; i < 5; i++)
            DataFixtures.WriteImage(root.Combine("f", i % 2 == 0 ? "a" : "b", $"{i}.png"), 50 + 10 * i, 40, new Rgb24((byte)(40 * i), 0, 0));
        var dataset = Datasets.ImageFolder(root.Combine("f"), Transforms.Compose(Transforms.Resize(32), Transforms.CenterCrop(32)));

        var batches = 0;
        foreach (var (images, labels) in new DataLoader(dataset, 8, workers: 3))
        {
            Assert.Equal([5L, 3, 32, 32], images.shape);
            Assert.Equal([0L, 0, 0, 1, 1], labels.data<long>().ToArray());
            // Samples keep their order: class a holds images 0, 2, 4 (red 0, 80, 160).
            Assert.Equal(160 / 255f, images[2, 0].mean().item<float>(), 2);
            batches++;
        }
        Assert.Equal(1, batches);
    }

    [Fact]
    public void A_validation_subset_is_batched_through_its_dataset()
    {
        using var root = new TemporaryFolder();
        var dataset = Digits(root, 100);
        var (train, validation) = Datasets.RandomSplit(dataset, 0.25, seed: 1);

        var labels = new DataLoader(validation, 10).SelectMany(b => b.Labels.data<long>().ToArray()).ToArray();

        Assert.Equal(validation.Indices.Select(i => i % 10), labels);
        Assert.Equal(75, new DataLoader(train, 10).Sum(b => b.Labels.shape[0]));
    }
}
