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
        return DatasetCache.LoadIdx(DatasetCatalog.Mnist, true, transform, root.Path, fast: false);
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

    sealed class LoopBodyFailed() : Exception("the caller's own failure");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_loop_takes_each_batch_apart_into_data_and_labels(bool prefetch)
    {
        var labelsSeen = new List<long>();
        foreach (var (data, labels) in new DataLoader(new NumberDataset(7), 3, prefetch: prefetch))
        {
            Assert.Equal(labels.shape[0], data.shape[0]);
            Assert.Equal(2, data.shape[1]);
            Assert.Equal(labels.to(ScalarType.Float32).data<float>().ToArray(), data[.., 1].data<float>().ToArray());
            labelsSeen.AddRange(labels.data<long>().ToArray());
        }
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], labelsSeen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_previous_batch_is_freed_only_when_the_loop_asks_for_the_next(bool prefetch)
    {
        using var batches = new DataLoader(new NumberDataset(9), 3, prefetch: prefetch).GetEnumerator();

        Assert.True(batches.MoveNext());
        var (first, firstLabels) = batches.Current;
        Assert.False(first.IsInvalid);
        Assert.Equal(6, first.sum().item<float>());   // still readable while it is the current batch

        Assert.True(batches.MoveNext());
        var (second, _) = batches.Current;
        Assert.True(first.IsInvalid);
        Assert.True(firstLabels.IsInvalid);
        Assert.False(second.IsInvalid);
        Assert.Equal(24, second.sum().item<float>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_batch_a_loop_breaks_at_stays_valid(bool prefetch)
    {
        Tensor? kept = null, keptLabels = null;
        foreach (var (data, labels) in new DataLoader(new NumberDataset(12), 3, prefetch: prefetch))
        {
            (kept, keptLabels) = (data, labels);
            if (labels[0].item<long>() == 3) break;
        }

        Assert.NotNull(kept);
        Assert.False(kept.IsInvalid);
        Assert.Equal([3L, 4, 5], keptLabels!.data<long>().ToArray());
        Assert.Equal(24, kept.sum().item<float>());
        kept.Dispose();
        keptLabels.Dispose();
    }

    [Fact]
    public void Without_prefetching_First_makes_only_the_first_batch()
    {
        var dataset = new NumberDataset(30);
        var (data, labels) = new DataLoader(dataset, 3, prefetch: false).First();

        Assert.Equal(3, dataset.Reads);
        Assert.Equal([0L, 1, 2], labels.data<long>().ToArray());
        data.Dispose();
        labels.Dispose();
    }

    [Fact]
    public void Its_summary_describes_the_loader_without_reading_a_sample()
    {
        var dataset = new NumberDataset(10);
        var inOrder = new DataLoader(dataset, 4).ToString();
        var shuffled = new DataLoader(dataset, 4, shuffle: true, seed: 1, dropLast: true).ToString();

        Assert.Equal(0, dataset.Reads);
        Assert.Equal("DataLoader: 3 batches of 4 (in order) on cpu, from 10 numbers", inOrder);
        Assert.Equal("DataLoader: 2 batches of 4 (reshuffled every epoch, last partial batch dropped) on cpu, from 10 numbers", shuffled);
    }

    [Fact]
    public void What_the_loop_body_throws_surfaces_unchanged_even_when_the_prefetched_batch_failed()
    {
        // Batch 2 (samples 3 to 5) cannot be made; the loop body fails first, while it is being prepared.
        var dataset = new NumberDataset(9, broken: [4]);
        var loader = new DataLoader(dataset, 3, prefetch: true);
        var thrown = new LoopBodyFailed();

        var caught = Assert.Throws<LoopBodyFailed>(() =>
        {
            foreach (var (data, _) in loader)
            {
                // Let the prefetch reach the broken sample before the body fails.
                SpinWait.SpinUntil(() => dataset.Failed, TimeSpan.FromSeconds(10));
                throw thrown;
            }
        });

        Assert.Same(thrown, caught);
        Assert.True(dataset.Failed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_sample_that_cannot_be_read_surfaces_as_its_own_error_not_wrapped(bool prefetch)
    {
        var loader = new DataLoader(new NumberDataset(9, broken: [7]), 3, prefetch: prefetch);
        var batches = 0;

        var error = Assert.Throws<DataFormatException>(() => { foreach (var _ in loader) batches++; });

        Assert.Equal("sample-7.bin", error.FilePath);
        Assert.Equal(2, batches);   // the loop body saw every batch before the broken one
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_undecodable_photo_surfaces_as_its_own_error_naming_the_file(bool prefetch)
    {
        using var root = new TemporaryFolder();
        for (int i = 0; i < 4; i++)
            DataFixtures.WriteImage(root.Combine("f", "a", $"{i}.png"), 20, 20, new Rgb24(10, 20, 30));
        var broken = root.Combine("f", "a", "2.png");
        File.WriteAllText(broken, "not a PNG at all");
        var loader = new DataLoader(new ImageFolder(root.Combine("f")), 2, prefetch: prefetch);

        var error = Assert.Throws<DataFormatException>(() => { foreach (var _ in loader) { } });
        Assert.Equal(broken, error.FilePath);
    }

    [Fact]
    public void A_loader_with_nothing_to_load_is_refused_with_a_sentence()
    {
        var empty = Assert.Throws<ArgumentException>(() => new DataLoader(new NumberDataset(0), 4));
        Assert.Contains("no samples", empty.Message);
        Assert.Contains("0 numbers", empty.Message);

        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(new NumberDataset(5), 0));
        Assert.Equal("batchSize", zero.ParamName);
        Assert.Contains("at least one sample", zero.Message);

        var tooFew = Assert.Throws<ArgumentException>(() => new DataLoader(new NumberDataset(5), 8, dropLast: true));
        Assert.Equal("dropLast", tooFew.ParamName);
        Assert.Contains("only 5 samples for batches of 8", tooFew.Message);
        Assert.Equal(1, new DataLoader(new NumberDataset(8), 8, dropLast: true).Count);
    }

    [Fact]
    public void Samples_of_different_sizes_are_named_with_the_fix()
    {
        var loader = new DataLoader(new NumberDataset(6, wide: [4]), 3);

        var error = Assert.Throws<InvalidOperationException>(() => { foreach (var _ in loader) { } });

        Assert.Contains("sample 3 is [2]", error.Message);
        Assert.Contains("sample 4 is [3]", error.Message);
        Assert.Contains("Resize", error.Message);
    }

    [Fact]
    public void Photos_of_different_sizes_name_two_files_and_suggest_resizing_and_cropping()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteImage(root.Combine("f", "a", "small.png"), 20, 10, new Rgb24(1, 2, 3));
        DataFixtures.WriteImage(root.Combine("f", "a", "large.png"), 30, 10, new Rgb24(1, 2, 3));
        var loader = new DataLoader(new ImageFolder(root.Combine("f")), 2);

        var error = Assert.Throws<InvalidOperationException>(() => loader.First());

        Assert.Contains(root.Combine("f", "a", "small.png"), error.Message);
        Assert.Contains(root.Combine("f", "a", "large.png"), error.Message);
        Assert.Contains("Resize", error.Message);
        Assert.Contains("CenterCrop", error.Message);
    }

    /// <summary>A dataset whose own code fails in libtorch for sample 4: its tensor cannot be reshaped as asked.</summary>
    sealed class BadReshape : torch.utils.data.Dataset
    {
        public override long Count => 6;

        public override Dictionary<string, Tensor> GetTensor(long index) =>
            new() { ["data"] = zeros(index == 4 ? 5 : 6).view(3, 2), ["label"] = tensor(index) };
    }

    /// <summary>A transform that fails in libtorch on any batch of 28×28 images: the reshape does not fit.</summary>
    sealed class ReshapeToFive : torchvision.ITransform
    {
        public Tensor call(Tensor input) => input.view(5, -1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_libtorch_error_in_a_datasets_own_code_names_the_sample(bool prefetch)
    {
        // Before, libtorch's message came out with its C++ stack trace.
        var loader = new DataLoader(new BadReshape(), 3, prefetch: prefetch);

        var e = Assert.Throws<InvalidOperationException>(() => { foreach (var _ in loader) { } });

        Assert.Equal("The BadReshape could not make sample 4 (in its GetTensor or its transform): shape '[3, 2]' is invalid for input of size 5", e.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(e.InnerException);
    }

    [Fact]
    public void A_libtorch_error_in_a_batched_datasets_transform_names_the_samples()
    {
        using var root = new TemporaryFolder();
        var loader = new DataLoader(Digits(root, 10, new ReshapeToFive()), 4);

        var e = Assert.Throws<InvalidOperationException>(() => loader.First());

        Assert.Equal("The InMemoryImageDataset could not make the batch of samples 0, 1, 2, … (in its transform, if it has one): shape '[5, -1]' is invalid for input of size 3136", e.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(e.InnerException);
    }
}
