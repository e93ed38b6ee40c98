using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using DeepLearningCourse.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepLearningCourse.Tests.Data;

/// <summary>
/// The dataset factories' download path, with "the internet" served from 127.0.0.1: fixtures in the canonical
/// formats (IDX, CIFAR-10's archive, the course's photo zips, a text), checksums pinned for them.
/// </summary>
public class DatasetDownloadTests
{
    public DatasetDownloadTests() => TorchFixture.Ensure();

    static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    static Downloader Quiet(TextWriter? log = null, Func<string, long>? freeSpace = null) =>
        new(DownloaderTests.Relaxed, freeSpace: freeSpace, log: log ?? TextWriter.Null);

    /// <summary>Everything in the cache folder: a finished install leaves its dataset folder and nothing else.</summary>
    static string[] Entries(TemporaryFolder cache) => Directory.GetFileSystemEntries(cache.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    static DatasetCatalog.IdxDataset Spec(Dictionary<string, byte[]> files, params string[] bases)
    {
        return new("Fixture digits", "Fixture", "fixture digits, canonical", DatasetCatalog.Mnist.Classes,
            Remote("train-images-idx3-ubyte.gz"), Remote("train-labels-idx1-ubyte.gz"),
            Remote("t10k-images-idx3-ubyte.gz"), Remote("t10k-labels-idx1-ubyte.gz"), 12, 4);

        RemoteFile Remote(string name) => new(name, files.TryGetValue(name, out var b) ? Sha(b) : new string('0', 64), bases.Select(b => b + name).ToArray());
    }

    /// <summary>Writes a 12-image training pair and a 4-image test pair and serves all four files.</summary>
    static Dictionary<string, byte[]> ServeIdxPairs(LocalHttpServer server, int waitForRequests = 1)
    {
        using var source = new TemporaryFolder();
        DataFixtures.WriteIdxPair(source.Path, "train", 12, standIn: false);
        DataFixtures.WriteIdxPair(source.Path, "t10k", 4, standIn: false);
        var files = Directory.GetFiles(source.Path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        foreach (var (name, bytes) in files) server.Serve(name, new(200, bytes, WaitForRequests: waitForRequests));
        return files;
    }

    /// <summary>A stand-in as tools/fetch-data installs one: 3 training images, marked and sealed.</summary>
    static void WriteStandIn(TemporaryFolder cache)
    {
        var folder = cache.Combine("Fixture");
        DataFixtures.WriteIdxPair(folder, "train", 3);
        MnistLoaderTests.Seal(folder);
    }

    [Fact]
    public void Missing_idx_files_are_downloaded_checked_sealed_and_marked_canonical()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var files = ServeIdxPairs(server);

        using var dataset = DatasetCache.LoadIdx(Spec(files, server.BaseUrl), train: true, null, cache.Path, fast: false, Quiet());

        Assert.Equal(12, dataset.Count);
        // Both splits: a folder with one split only looked complete and failed offline for the other (it did before).
        Assert.Equal(["/train-images-idx3-ubyte.gz", "/train-labels-idx1-ubyte.gz", "/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"], server.Requests);
        Assert.Equal(["Fixture"], Entries(cache));
        Assert.Equal(["SHA256SUMS", "SOURCE.txt", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
            Directory.GetFiles(cache.Combine("Fixture")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("fixture digits, canonical, downloaded and SHA-256 verified; 12 train / 4 test images", dataset.Source);
        Assert.DoesNotContain("STAND-IN", dataset.Source);
    }

    [Fact]
    public void A_downloaded_file_altered_in_the_cache_is_refused_naming_it()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var spec = Spec(ServeIdxPairs(server), server.BaseUrl);
        DatasetCache.LoadIdx(spec, train: true, null, cache.Path, fast: false, Quiet()).Dispose();

        // Still a valid IDX file with as many labels, so only the checksum can tell.
        var labels = cache.Combine("Fixture", "t10k-labels-idx1-ubyte.gz");
        IdxFile.Write(labels, [4], [9, 9, 9, 9]);
        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadIdx(spec, train: false, null, cache.Path, fast: false, Quiet()));
        Assert.Equal(labels, e.FilePath);
        Assert.Contains("changed since it was stored", e.Problem);
    }

    [Fact]
    public void Offline_a_factory_names_the_dataset_the_urls_and_the_fill_command_and_leaves_no_folder()
    {
        using var cache = new TemporaryFolder();
        string url;
        DatasetCatalog.IdxDataset spec;
        using (var server = new LocalHttpServer())
        {
            spec = Spec([], server.BaseUrl);
            url = server.Url("t10k-images-idx3-ubyte.gz");
        }   // the server is gone: nothing answers any more

        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetCache.LoadIdx(spec, train: false, null, cache.Path, fast: false, Quiet()));

        Assert.StartsWith("Fixture digits is not in", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Contains("tools/fetch-data", e.Message);
        // Before, an empty Fixture folder stayed behind.
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public void The_real_dataset_replaces_a_stand_in_the_first_time_it_can_be_had()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        WriteStandIn(cache);
        var spec = Spec(ServeIdxPairs(server), server.BaseUrl);

        using var dataset = DatasetCache.LoadIdx(spec, train: true, null, cache.Path, fast: false, Quiet());

        Assert.Equal(12, dataset.Count);
        Assert.DoesNotContain("STAND-IN", dataset.Source);
        Assert.False(DatasetSource.Read(cache.Combine("Fixture")).IsStandIn);
        Assert.Equal(["Fixture"], Entries(cache));   // the stand-in is gone, and no temporary folder stayed
        DatasetCache.LoadIdx(spec, train: false, null, cache.Path, fast: false, Quiet()).Dispose();
        Assert.Equal(4, server.Requests.Count);       // installed once
    }

    [Fact]
    public void A_source_that_is_down_is_followed_by_the_next_then_by_the_stand_in()
    {
        using var down = new LocalHttpServer();
        down.Dispose();                                // its port no longer answers
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var files = ServeIdxPairs(server);

        using (var dataset = DatasetCache.LoadIdx(Spec(files, down.BaseUrl, server.BaseUrl), train: true, null, cache.Path, fast: false, Quiet()))
            Assert.Equal(12, dataset.Count);

        using var other = new TemporaryFolder();
        WriteStandIn(other);
        var log = new StringWriter();
        using var standIn = DatasetCache.LoadIdx(Spec(files, down.BaseUrl), train: true, null, other.Path, fast: false, Quiet(log));
        Assert.Equal(3, standIn.Count);
        Assert.Contains("OFFLINE STAND-IN", standIn.Source);
        Assert.Contains("(with a network, `tools/fetch-data` gets it)", standIn.Source);
        Assert.Contains("Fixture digits: the real dataset could not be had, so the offline stand-in in", log.ToString());
        Assert.Contains(down.Url("train-images-idx3-ubyte.gz"), log.ToString());
        Assert.Equal(["Fixture"], Entries(other));
    }

    [Fact]
    public void A_disk_without_room_keeps_the_stand_in_and_says_why_or_refuses_with_nothing_kept()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var spec = Spec(ServeIdxPairs(server), server.BaseUrl);
        var log = new StringWriter();
        WriteStandIn(cache);

        using (var standIn = DatasetCache.LoadIdx(spec, train: true, null, cache.Path, fast: false, Quiet(log, freeSpace: _ => 1_000)))
            Assert.Equal(3, standIn.Count);
        Assert.Contains("Not enough free space for Fixture digits", log.ToString());

        using var empty = new TemporaryFolder();
        var e = Assert.Throws<NotEnoughSpaceException>(() => DatasetCache.LoadIdx(spec, train: true, null, empty.Path, fast: false, Quiet(freeSpace: _ => 1_000)));
        Assert.Contains("Free some space there, or set COURSE_DATA", e.Message);
        Assert.Empty(Entries(empty));
    }

    [Fact]
    public void A_user_folder_missing_a_split_is_completed_and_kept_aside_as_incomplete()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var spec = Spec(ServeIdxPairs(server), server.BaseUrl);
        var folder = cache.Combine("Fixture");
        DataFixtures.WriteIdxPair(folder, "train", 12, standIn: false);
        foreach (var test in Directory.GetFiles(folder, "t10k-*")) File.Delete(test);
        var log = new StringWriter();

        using var dataset = DatasetCache.LoadIdx(spec, train: false, null, cache.Path, fast: false, Quiet(log));

        Assert.Equal(4, dataset.Count);
        Assert.Equal(["Fixture", "Fixture.incomplete"], Entries(cache));
        Assert.True(File.Exists(cache.Combine("Fixture.incomplete", "train-images-idx3-ubyte.gz")));
        Assert.Contains($"it was moved to {folder}.incomplete", log.ToString());
    }

    static byte[] TarGz(string folder, string topLevel)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != DatasetSource.FileName))
                tar.WriteEntry(file, $"{topLevel}/{Path.GetFileName(file)}");
        }
        return memory.ToArray();
    }

    static (DatasetCatalog.Cifar10Dataset Spec, byte[] Archive) ServeCifar(LocalHttpServer server, int perFile, string topLevel = DatasetCatalog.Cifar10Folder,
        int? recordsPerFile = null, string? pin = null, int waitForRequests = 1)
    {
        using var source = new TemporaryFolder();
        DataFixtures.WriteCifarFolder(source.Path, perFile, standIn: false);
        var archive = TarGz(source.Path, topLevel);
        server.Serve("cifar.tar.gz", new(200, archive, WaitForRequests: waitForRequests));
        return (new(new RemoteFile("cifar-10-binary.tar.gz", pin ?? Sha(archive), server.Url("cifar.tar.gz")), recordsPerFile ?? perFile), archive);
    }

    [Fact]
    public void The_cifar_archive_is_unpacked_into_place_checked_and_removed()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var (spec, _) = ServeCifar(server, perFile: 4);

        using var test = DatasetCache.LoadCifar10(spec, train: false, null, cache.Path, fast: false, Quiet());

        Assert.Equal(4, test.Count);
        Assert.Contains("downloaded; archive SHA-256 verified, 20 train / 4 test records", test.Source);
        Assert.Equal([DatasetCatalog.Cifar10Folder], Entries(cache));
        Assert.DoesNotContain("cifar-10-binary.tar.gz", Directory.GetFiles(cache.Combine(DatasetCatalog.Cifar10Folder)).Select(Path.GetFileName));
        Assert.True(File.Exists(cache.Combine(DatasetCatalog.Cifar10Folder, "SHA256SUMS")));
    }

    [Fact]
    public void An_archive_with_wrong_bytes_is_refused_and_nothing_is_kept()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var (spec, _) = ServeCifar(server, perFile: 2, pin: new string('a', 64));

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(spec, train: true, null, cache.Path, fast: false, Quiet()));

        Assert.Contains("discarded", e.Problem);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public void An_archive_without_the_cifar_folder_is_refused_and_leaves_no_folder()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var (spec, _) = ServeCifar(server, perFile: 1, topLevel: "something-else");

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(spec, train: true, null, cache.Path, fast: false, Quiet()));

        Assert.Contains("no cifar-10-batches-bin folder", e.Problem);
        Assert.Empty(Entries(cache));
    }

    [Fact]
    public void A_downloaded_archive_with_fewer_records_than_the_dataset_is_refused_not_called_verified()
    {
        // Before, a batch cut at a record boundary loaded without a word and was described as verified.
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var (spec, _) = ServeCifar(server, perFile: 3, recordsPerFile: 4);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadCifar10(spec, train: false, null, cache.Path, fast: false, Quiet()));

        Assert.Contains("holds 3 records, but each CIFAR-10 batch file has 4", e.Problem);
        Assert.Empty(Entries(cache));
    }

    static readonly DatasetCatalog.TextDataset NoText = new("Fixture novel", "novel", "a fixture novel, canonical", new RemoteFile("novel.txt", null));

    [Fact]
    public void The_text_is_downloaded_verified_and_replaces_its_stand_in()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var text = "Happy families are all alike.\n"u8.ToArray();
        server.Serve("novel.txt", new(200, text));
        var spec = NoText with { File = new RemoteFile("novel.txt", Sha(text), server.Url("novel.txt")) };
        Directory.CreateDirectory(cache.Combine("novel"));
        File.WriteAllText(cache.Combine("novel", "novel.txt"), "Call me Ishmael.");
        DatasetSource.Write(cache.Combine("novel"), isStandIn: true, "another novel");

        var corpus = DatasetCache.LoadText(spec, cache.Path, fast: false, Quiet());

        Assert.Equal("Happy families are all alike.\n", corpus.Text);
        Assert.Contains("a fixture novel, canonical, downloaded and SHA-256 verified", corpus.Source);
        Assert.Equal(["novel"], Entries(cache));
    }

    /// <summary>The bytes of a small JPEG: a solid colour that tells the classes apart.</summary>
    static byte[] Photo(int red)
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("photo.jpg");
        DataFixtures.WriteImage(path, 24, 16, new Rgb24((byte)red, 90, 160));
        return File.ReadAllBytes(path);
    }

    /// <summary>A zip of entries (name → bytes; null bytes: a directory entry); <paramref name="link"/> names an entry marked as a symbolic link.</summary>
    static byte[] Zip(IEnumerable<(string Name, byte[]? Bytes)> entries, string? link = null)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                var entry = zip.CreateEntry(name);
                if (name == link) entry.ExternalAttributes = 0xA1FF << 16;
                if (bytes is not null) using (var stream = entry.Open()) stream.Write(bytes);
            }
        }
        return memory.ToArray();
    }

    /// <summary>The Cat/Dog layout under its top folder: 3 train and 1 test photo per class, and the folders Finder adds.</summary>
    static List<(string, byte[]?)> CatDogEntries()
    {
        var entries = new List<(string, byte[]?)> { ("Cat_Dog_data/", null), ("__MACOSX/Cat_Dog_data/._train", [1, 2]) };
        foreach (var (split, count) in new[] { ("train", 3), ("test", 1) })
            foreach (var (name, red) in new[] { ("cat", 40), ("dog", 220) })
            {
                entries.Add(($"Cat_Dog_data/{split}/{name}/", null));
                for (int i = 0; i < count; i++) entries.Add(($"Cat_Dog_data/{split}/{name}/{name}.{i}.jpg", Photo(red)));
            }
        return entries;
    }

    static DatasetCatalog.PhotoArchive PhotoSpec(string url, long maxBytes = 10_000_000) =>
        new("Fixture photos", "Cat_Dog_data", "fixture photos, canonical", new RemoteFile("Cat_Dog_data.zip", null, url), ["cat", "dog"], (4, 10), (2, 10), maxBytes);

    [Fact]
    public void A_photo_zip_in_the_course_layout_is_checked_unpacked_sealed_and_its_checksum_recorded()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var zip = Zip(CatDogEntries());
        server.Serve("Cat_Dog_data.zip", new(200, zip));
        var log = new StringWriter();

        using var train = DatasetCache.LoadPhotos(PhotoSpec(server.Url("Cat_Dog_data.zip")), train: true, null, cache.Path, fast: false, Quiet(log));

        Assert.Equal(6, train.Count);
        Assert.Equal(["cat", "dog"], train.Classes);
        Assert.Contains($"6 train / 2 test photos from {server.Url("Cat_Dog_data.zip")}", train.Source);
        Assert.Contains($"archive SHA-256 {Sha(zip)}", train.Source);
        Assert.Contains($"archive SHA-256 {Sha(zip)}", log.ToString());
        Assert.Equal(["Cat_Dog_data"], Entries(cache));
        Assert.Equal(["SHA256SUMS", "SOURCE.txt", "test", "train"], Directory.GetFileSystemEntries(cache.Combine("Cat_Dog_data")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Checked on every later run, as a pinned file is.
        File.WriteAllBytes(cache.Combine("Cat_Dog_data", "test", "dog", "dog.0.jpg"), Photo(10));
        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadPhotos(PhotoSpec(server.Url("Cat_Dog_data.zip")), train: false, null, cache.Path, fast: false, Quiet()));
        Assert.Contains("changed since it was stored", e.Problem);
    }

    [Fact]
    public void A_photo_zip_without_a_top_folder_is_accepted_too()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        server.Serve("photos.zip", new(200, Zip(CatDogEntries().Select(e => (((string)e.Item1).Replace("Cat_Dog_data/", ""), e.Item2)).Where(e => e.Item1.Length > 0))));

        using var test = DatasetCache.LoadPhotos(PhotoSpec(server.Url("photos.zip")), train: false, null, cache.Path, fast: false, Quiet());

        Assert.Equal(2, test.Count);
    }

    public static TheoryData<string, string> HostileArchives => new()
    {
        { "path", "which would leave the dataset folder" },
        { "absolute", "which would leave the dataset folder" },
        { "link", "symbolic link" },
        { "folder", "outside its top folder" },
        { "class", "not in the layout" },
        { "script", "not an image file" },
        { "count", "holds 2 train photos" },
        { "size", "more than" },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public void A_hostile_or_damaged_photo_zip_is_refused_and_nothing_is_kept(string kind, string problem)
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var entries = CatDogEntries();
        string? link = null;
        switch (kind)
        {
            case "path": entries.Add(("Cat_Dog_data/train/cat/../../../escape.jpg", Photo(1))); break;
            case "absolute": entries.Insert(0, ("/tmp/escape.jpg", Photo(1))); break;
            case "link": entries.Add((link = "Cat_Dog_data/train/cat/link.jpg", "/etc/passwd"u8.ToArray())); break;
            case "folder": entries.Add(("elsewhere/train/cat/x.jpg", Photo(1))); break;
            case "class": entries.Add(("Cat_Dog_data/train/horse/x.jpg", Photo(1))); break;
            case "script": entries.Add(("Cat_Dog_data/train/cat/run.sh", "echo"u8.ToArray())); break;
            case "count": entries.RemoveAll(e => e.Item1.StartsWith("Cat_Dog_data/train/dog/dog.") || e.Item1 == "Cat_Dog_data/train/cat/cat.0.jpg"); break;
        }
        server.Serve("Cat_Dog_data.zip", new(200, Zip(entries, link)));
        var spec = PhotoSpec(server.Url("Cat_Dog_data.zip"), maxBytes: kind == "size" ? 2_000 : 10_000_000);

        var e = Assert.Throws<DataFormatException>(() => DatasetCache.LoadPhotos(spec, train: true, null, cache.Path, fast: false, Quiet()));

        Assert.Contains("was refused", e.Problem);
        Assert.Contains(problem, e.Problem);
        Assert.Contains("Nothing was kept", e.Problem);
        Assert.Empty(Entries(cache));
        Assert.False(File.Exists("/tmp/escape.jpg"));
    }

    [Fact]
    public void A_refused_photo_zip_leaves_the_stand_in_in_use()
    {
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        var entries = CatDogEntries();
        entries.Add(("Cat_Dog_data/../escape.jpg", Photo(1)));
        server.Serve("Cat_Dog_data.zip", new(200, Zip(entries)));
        foreach (var split in new[] { "train", "test" })
            foreach (var name in new[] { "cat", "dog" })
                DataFixtures.WriteImage(cache.Combine("Cat_Dog_data", split, name, "a.png"), 8, 8, new Rgb24(1, 2, 3));
        DatasetSource.Write(cache.Combine("Cat_Dog_data"), isStandIn: true, "fixture stand-in photos");
        var log = new StringWriter();

        using var train = DatasetCache.LoadPhotos(PhotoSpec(server.Url("Cat_Dog_data.zip")), train: true, null, cache.Path, fast: false, Quiet(log));

        Assert.Equal(2, train.Count);
        Assert.Contains("OFFLINE STAND-IN", train.Source);
        Assert.Contains("was refused", log.ToString());
        Assert.Equal(["Cat_Dog_data"], Entries(cache));
    }

    public static TheoryData<string> Kinds => new() { "idx", "cifar", "text", "photos" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Two_first_uses_at_once_both_get_the_data_in_one_copy_with_nothing_left_over(string kind)
    {
        // Before, the second of two notebooks first using CIFAR-10 at once failed ("Cannot create …
        // cifar-10-batches-bin … already exists") and left its 30 MB archive behind.
        using var server = new LocalHttpServer();
        using var cache = new TemporaryFolder();
        Func<long> load;
        switch (kind)
        {
            case "idx":
                var idx = Spec(ServeIdxPairs(server, waitForRequests: 2), server.BaseUrl);
                load = () => { using var d = DatasetCache.LoadIdx(idx, true, null, cache.Path, false, Quiet()); return d.Count; };
                break;
            case "cifar":
                var (cifar, _) = ServeCifar(server, perFile: 3, waitForRequests: 2);
                load = () => { using var d = DatasetCache.LoadCifar10(cifar, true, null, cache.Path, false, Quiet()); return d.Count; };
                break;
            case "text":
                var text = "Happy families are all alike.\n"u8.ToArray();
                server.Serve("novel.txt", new(200, text, WaitForRequests: 2));
                var spec = NoText with { File = new RemoteFile("novel.txt", Sha(text), server.Url("novel.txt")) };
                load = () => DatasetCache.LoadText(spec, cache.Path, false, Quiet()).Text.Length;
                break;
            default:
                server.Serve("Cat_Dog_data.zip", new(200, Zip(CatDogEntries()), WaitForRequests: 2));
                load = () => DatasetCache.LoadPhotos(PhotoSpec(server.Url("Cat_Dog_data.zip")), true, null, cache.Path, false, Quiet()).Count;
                break;
        }

        var counts = await Task.WhenAll(Task.Run(load), Task.Run(load));

        Assert.Equal(counts[0], counts[1]);
        Assert.True(counts[0] > 0);
        Assert.Single(Entries(cache));
        Assert.Equal(2, server.Requests.Count(r => r == server.Requests[0]));   // both really downloaded, at the same time
    }
}
