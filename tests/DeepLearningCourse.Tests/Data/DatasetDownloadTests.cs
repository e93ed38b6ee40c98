using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tests.Data;

/// <summary>The dataset factories' download path, served from 127.0.0.1 with checksums pinned for the fixtures.</summary>
public class DatasetDownloadTests
{
    public DatasetDownloadTests() => TorchFixture.Ensure();

    static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    static DatasetCatalog.IdxDataset Spec(LocalHttpServer server, Dictionary<string, byte[]> files)
    {
        return new("Fixture digits", "Fixture", "fixture digits, canonical", DatasetCatalog.Mnist.Classes,
            Remote("train-images-idx3-ubyte.gz"), Remote("train-labels-idx1-ubyte.gz"),
            Remote("t10k-images-idx3-ubyte.gz"), Remote("t10k-labels-idx1-ubyte.gz"));

        RemoteFile Remote(string name) => new(name, files.TryGetValue(name, out var b) ? Sha(b) : new string('0', 64), server.Url(name));
    }

    /// <summary>Writes a 12-image training pair and a 4-image test pair into <paramref name="folder"/> and serves all four files.</summary>
    static Dictionary<string, byte[]> ServeIdxPairs(LocalHttpServer server, string folder)
    {
        DataFixtures.WriteIdxPair(folder, "train", 12);
        DataFixtures.WriteIdxPair(folder, "t10k", 4);
        var files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        foreach (var (name, bytes) in files) server.Serve(name, new(200, bytes));
        return files;
    }

    [Fact]
    public void Missing_idx_files_are_downloaded_verified_and_marked_canonical()
    {
        using var server = new LocalHttpServer();
        using var source = new TemporaryFolder();
        using var cache = new TemporaryFolder();
        var files = ServeIdxPairs(server, source.Path);

        using var dataset = Datasets.LoadIdx(Spec(server, files), train: true, null, cache.Path, fast: false);

        Assert.Equal(12, dataset.Count);
        // Both splits: a folder with one split only looked complete and failed offline for the other (it did before).
        Assert.Equal(["/train-images-idx3-ubyte.gz", "/train-labels-idx1-ubyte.gz", "/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"], server.Requests);
        Assert.Single(Directory.GetDirectories(cache.Path));
        Assert.Equal(["SOURCE.txt", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
            Directory.GetFiles(cache.Combine("Fixture")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("fixture digits, canonical, downloaded and SHA-256 verified", dataset.Source);
        Assert.DoesNotContain("STAND-IN", dataset.Source);
    }

    [Fact]
    public void A_downloaded_file_altered_in_the_cache_is_refused_naming_it()
    {
        // Before, files already in the cache were trusted as they were.
        using var server = new LocalHttpServer();
        using var source = new TemporaryFolder();
        using var cache = new TemporaryFolder();
        var files = ServeIdxPairs(server, source.Path);
        var spec = Spec(server, files);
        Datasets.LoadIdx(spec, train: true, null, cache.Path, fast: false).Dispose();

        // Still a valid IDX file, so only the pinned checksum can tell.
        var labels = cache.Combine("Fixture", "t10k-labels-idx1-ubyte.gz");
        IdxFile.Write(labels, [4], [9, 9, 9, 9]);
        var e = Assert.Throws<DataFormatException>(() => Datasets.LoadIdx(spec, train: false, null, cache.Path, fast: false));
        Assert.Equal(labels, e.FilePath);
        Assert.Contains("changed since it was stored", e.Problem);
    }

    [Fact]
    public void Offline_a_factory_names_the_dataset_the_urls_and_the_fill_command()
    {
        using var cache = new TemporaryFolder();
        string url;
        DatasetCatalog.IdxDataset spec;
        using (var server = new LocalHttpServer())
        {
            spec = Spec(server, []);
            url = server.Url("t10k-images-idx3-ubyte.gz");
        }   // the server is gone: nothing answers any more

        var e = Assert.Throws<DatasetUnavailableException>(() => Datasets.LoadIdx(spec, train: false, null, cache.Path, fast: false));

        Assert.StartsWith("Fixture digits is not in", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Contains("tools/fetch-data", e.Message);
        Assert.Empty(Directory.GetFiles(cache.Combine("Fixture")));
    }

    static byte[] TarGz(string folder, string topLevel)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var file in Directory.GetFiles(folder))
                tar.WriteEntry(file, $"{topLevel}/{Path.GetFileName(file)}");
        }
        return memory.ToArray();
    }

    [Fact]
    public void The_cifar_archive_is_unpacked_into_place_and_removed()
    {
        using var server = new LocalHttpServer();
        using var source = new TemporaryFolder();
        using var cache = new TemporaryFolder();
        DataFixtures.WriteCifarFolder(source.Path, perFile: 4);
        var archive = TarGz(source.Path, DatasetCatalog.Cifar10Folder);
        server.Serve("cifar.tar.gz", new(200, archive));
        var folder = cache.Combine(DatasetCatalog.Cifar10Folder);

        Datasets.DownloadCifar10(cache.Path, folder, new RemoteFile("cifar-10-binary.tar.gz", Sha(archive), server.Url("cifar.tar.gz")));
        using var test = Datasets.LoadCifar10(train: false, null, cache.Path, fast: false);

        Assert.Equal(4, test.Count);
        Assert.Contains("downloaded and SHA-256 verified", test.Source);
        Assert.Equal([DatasetCatalog.Cifar10Folder], Directory.GetFileSystemEntries(cache.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_archive_without_the_cifar_folder_is_refused_and_leaves_no_folder()
    {
        using var server = new LocalHttpServer();
        using var source = new TemporaryFolder();
        using var cache = new TemporaryFolder();
        DataFixtures.WriteCifarFolder(source.Path, perFile: 1);
        var archive = TarGz(source.Path, "something-else");
        server.Serve("cifar.tar.gz", new(200, archive));

        var e = Assert.Throws<DataFormatException>(() => Datasets.DownloadCifar10(cache.Path, cache.Combine(DatasetCatalog.Cifar10Folder),
            new RemoteFile("cifar-10-binary.tar.gz", Sha(archive), server.Url("cifar.tar.gz"))));

        Assert.Contains("no cifar-10-batches-bin folder", e.Problem);
        Assert.False(Directory.Exists(cache.Combine(DatasetCatalog.Cifar10Folder)));
        Assert.Empty(Directory.GetDirectories(cache.Path));
    }
}
