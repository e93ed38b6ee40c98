using DeepLearningCourse.Data;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class Cifar10LoaderTests
{
    public Cifar10LoaderTests() => TorchFixture.Ensure();

    [Fact]
    public void Train_joins_the_five_batches_and_keeps_channel_order()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteCifarFolder(root.Combine(DatasetCatalog.Cifar10Folder), perFile: 12);

        using var train = DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, true, null, root.Path, fast: false);
        using var test = DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, false, null, root.Path, fast: false);

        Assert.Equal(60, train.Count);
        Assert.Equal(12, test.Count);
        Assert.Equal("airplane", train.Classes[0]);
        Assert.Equal(10, train.Classes.Count);
        using var scope = NewDisposeScope();
        var item = train.GetTensor(7);
        Assert.Equal([3L, 32, 32], item["data"].shape);
        Assert.Equal(7L, item["label"].item<long>());
        Assert.Equal(70 / 255f, item["data"][0, 3, 3].item<float>(), 6);   // red plane first
        Assert.Equal(100 / 255f, item["data"][1, 3, 3].item<float>(), 6);
        Assert.Equal(200 / 255f, item["data"][2, 31, 31].item<float>(), 6);
        // Each of the five files holds labels 0..9 then 0, 1.
        Assert.Equal([10L, 10, 5, 5, 5, 5, 5, 5, 5, 5], train.Labels.bincount(null).data<long>().ToArray());
    }

    [Fact]
    public void A_truncated_batch_file_is_named()
    {
        using var root = new TemporaryFolder();
        var folder = root.Combine(DatasetCatalog.Cifar10Folder);
        DataFixtures.WriteCifarFolder(folder, perFile: 3);
        var path = Path.Combine(folder, "data_batch_3.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..5000]);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, true, null, root.Path, fast: false));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void A_label_outside_the_ten_classes_is_refused()
    {
        using var root = new TemporaryFolder();
        var folder = root.Combine(DatasetCatalog.Cifar10Folder);
        DataFixtures.WriteCifarFolder(folder, perFile: 3);
        var path = Path.Combine(folder, DatasetCatalog.Cifar10TestFile);
        var bytes = File.ReadAllBytes(path);
        bytes[Cifar10Binary.RecordBytes] = 10;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, false, null, root.Path, fast: false));
        Assert.Contains("record 1 has label 10", e.Problem);
    }

    [Fact]
    public void A_missing_batch_file_is_named()
    {
        using var root = new TemporaryFolder();
        var folder = root.Combine(DatasetCatalog.Cifar10Folder);
        DataFixtures.WriteCifarFolder(folder, perFile: 3);
        File.Delete(Path.Combine(folder, "data_batch_5.bin"));

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, true, null, root.Path, fast: false));
        Assert.EndsWith("data_batch_5.bin", e.FilePath);
    }

    [Theory]
    [InlineData(null)]                                                          // a folder a user made
    [InlineData("CIFAR-10 (Krizhevsky, 2009), binary version, downloaded and SHA-256 verified")]  // one an earlier library version downloaded, unsealed
    public void A_batch_cut_at_a_record_boundary_is_refused(string? downloaded)
    {
        // Before, it loaded without a word, and the downloaded one was still described as verified.
        using var root = new TemporaryFolder();
        var folder = root.Combine(DatasetCatalog.Cifar10Folder);
        DataFixtures.WriteCifarFolder(folder, perFile: 4, standIn: false);
        if (downloaded is not null) DatasetSource.Write(folder, isStandIn: false, downloaded);
        var path = Path.Combine(folder, DatasetCatalog.Cifar10TestFile);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..(3 * Cifar10Binary.RecordBytes)]);
        var spec = DatasetCatalog.Cifar10 with { RecordsPerFile = 4 };

        Assert.Equal(20, DatasetCache.LoadCifar10(spec, true, null, root.Path, fast: false).Count);
        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(spec, false, null, root.Path, fast: false));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("holds 3 records, but each CIFAR-10 batch file has 4", e.Problem);
        Assert.Contains("Delete", e.Problem);
    }

    [Fact]
    public void A_user_made_folder_is_held_to_cifar_10s_own_record_counts()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteCifarFolder(root.Combine(DatasetCatalog.Cifar10Folder), perFile: 3, standIn: false);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, true, null, root.Path, fast: false));
        Assert.Contains("holds 3 records, but each CIFAR-10 batch file has 10,000", e.Problem);
    }
}
