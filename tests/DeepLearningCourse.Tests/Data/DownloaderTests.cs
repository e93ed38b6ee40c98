using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tests.Data;

public class DownloaderTests
{
    static readonly byte[] Payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 256)).ToArray();
    static readonly string PayloadSha = Convert.ToHexString(SHA256.HashData(Payload)).ToLowerInvariant();

    /// <summary>Limits no test download comes near, so only the tests of the limits meet them.</summary>
    internal static readonly DownloadLimits Relaxed = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2), 1, TimeSpan.FromMinutes(10));

    static Downloader Quiet(DownloadLimits? limits = null, Func<string, long>? freeSpace = null) =>
        new(limits ?? Relaxed, freeSpace: freeSpace, log: TextWriter.Null);

    // A failed download leaves no file, and not even the folder it would have gone into.
    static void AssertNothingLeft(TemporaryFolder folder) => Assert.False(Directory.Exists(folder.Combine("cache")));

    [Fact]
    public void A_complete_download_with_the_pinned_checksum_lands_in_the_cache()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));

        var path = Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture");

        Assert.Equal(folder.Combine("cache", "file.gz"), path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Combine("cache")));

        // Present files are not fetched again.
        Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture");
        Assert.Single(server.Requests);
    }

    [Fact]
    public void A_wrong_checksum_is_refused_and_nothing_is_kept()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        var tampered = (byte[])Payload.Clone();
        tampered[1234] ^= 1;
        server.Serve("file.gz", new(200, tampered));

        var e = Assert.Throws<DataFormatException>(() =>
            Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.Equal(folder.Combine("cache", "file.gz"), e.FilePath);
        Assert.Contains(PayloadSha, e.Problem);
        Assert.Contains("discarded", e.Problem);
        AssertNothingLeft(folder);
    }

    [Fact]
    public void A_connection_dropped_mid_file_leaves_nothing_behind()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload, SendOnly: 100_000));

        var e = Assert.Throws<DatasetUnavailableException>(() =>
            Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.Contains(server.Url("file.gz"), e.Message);
        AssertNothingLeft(folder);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failing_mirror_or_one_serving_wrong_bytes_is_followed_by_the_next(bool firstServesWrongBytes)
    {
        // A checksum mismatch on the first mirror used to stop the download; a failing host never did.
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        if (firstServesWrongBytes)
        {
            var tampered = (byte[])Payload.Clone();
            tampered[99] ^= 1;
            server.Serve("a/file.gz", new(200, tampered));
        }
        server.Serve("b/file.gz", new(200, Payload));

        var path = Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("a/file.gz"), server.Url("b/file.gz")),
            folder.Combine("cache"), "Fixture");

        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Equal(["/a/file.gz", "/b/file.gz"], server.Requests);
    }

    [Fact]
    public void A_local_disk_error_says_what_failed_where_not_that_there_is_no_network()
    {
        // Before, a cache that could not be written was reported as "no network, run tools/fetch-data".
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));
        Directory.CreateDirectory(folder.Combine("cache", "file.gz")); // the rename into place cannot succeed

        var e = Assert.Throws<IOException>(() =>
            Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz"), server.Url("mirror/file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.IsNotType<DatasetUnavailableException>(e);
        Assert.Contains(folder.Combine("cache", "file.gz"), e.Message);
        Assert.Contains("writable", e.Message);
        Assert.DoesNotContain("fetch-data", e.Message);
        Assert.Single(server.Requests); // no server can fix a local disk
    }

    [Fact]
    public void A_killed_writers_partial_file_is_removed_by_the_next_write_of_the_same_target()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));
        Directory.CreateDirectory(folder.Combine("cache"));
        // Process ids above the kernel's limit (at most 2^22) never run.
        var stale = folder.Combine("cache", "file.gz.2147483000.0123456789abcdef0123456789abcdef.partial");
        var live = folder.Combine("cache", $"file.gz.{Environment.ProcessId}.fedcba9876543210fedcba9876543210.partial");
        var otherTarget = folder.Combine("cache", "other.gz.2147483000.0123456789abcdef0123456789abcdef.partial");
        foreach (var path in new[] { stale, live, otherTarget }) File.WriteAllBytes(path, [1, 2, 3]);

        Quiet().Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));         // a concurrent writer's file is left alone
        Assert.True(File.Exists(otherTarget));  // as are other targets' files
    }

    [Fact]
    public void Offline_the_message_names_the_dataset_the_url_and_the_fill_command()
    {
        using var folder = new TemporaryFolder();
        // A port that was just free: nothing listens there, as on a machine without a network.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var url = $"http://127.0.0.1:{port}/train-images-idx3-ubyte.gz";

        var e = Assert.Throws<DatasetUnavailableException>(() =>
            Quiet().Ensure(new RemoteFile("train-images-idx3-ubyte.gz", PayloadSha, url), folder.Combine("cache"), "MNIST"));

        Assert.Equal("MNIST", e.Dataset);
        Assert.StartsWith("MNIST is not in", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Contains("tools/fetch-data", e.Message);
        AssertNothingLeft(folder);
    }

    [Fact]
    public void A_server_that_drips_bytes_is_given_up_saying_how_much_arrived_and_how_to_retry()
    {
        // Before, only each read had a deadline, so a byte every few seconds kept a lesson waiting for ever.
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload, Pace: (1, TimeSpan.FromMilliseconds(100))));
        var limits = Relaxed with { MinimumBytesPerSecond = 10_000, RateWindow = TimeSpan.FromSeconds(0.5) };

        var e = Assert.Throws<DatasetUnavailableException>(() =>
            Quiet(limits).Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.Contains("below the minimum of 10,000 bytes/s", e.Reason);
        Assert.Matches(@"\d+ bytes of 300\.0 kB had arrived and nothing was kept", e.Reason);
        Assert.Contains("To retry, run the same again", e.Reason);
        Assert.Contains($"save it as {folder.Combine("cache", "file.gz")}", e.Reason);
        AssertNothingLeft(folder);
    }

    [Fact]
    public void A_download_that_outlasts_its_deadline_is_given_up_at_any_rate()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        // 300 kB in 30 steps of 0.1 s: 100 kB/s, quick enough for any minimum rate, but three seconds long.
        server.Serve("file.gz", new(200, Payload, Pace: (10_000, TimeSpan.FromMilliseconds(100))));
        var limits = Relaxed with { Deadline = TimeSpan.FromSeconds(1) };

        var e = Assert.Throws<DatasetUnavailableException>(() =>
            Quiet(limits).Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.Contains("it was not finished within 1 s, the limit for one download", e.Reason);
        Assert.Matches(@"[\d.]+ kB of 300\.0 kB had arrived", e.Reason);
        AssertNothingLeft(folder);
    }

    [Fact]
    public void A_disk_without_room_refuses_the_download_before_writing_anything()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));
        var probed = new List<string>();
        var downloader = Quiet(freeSpace: path => { probed.Add(path); return Downloader.SpareBytes + 1_000; });

        var e = Assert.Throws<NotEnoughSpaceException>(() =>
            downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz"), server.Url("mirror/file.gz")), folder.Combine("cache"), "Fixture"));

        Assert.StartsWith("Not enough free space for Fixture: it needs 300.0 kB", e.Message);
        Assert.Contains("has 64.0 MB free", e.Message);
        Assert.Contains("COURSE_DATA", e.Message);
        Assert.Equal([folder.Path], probed);          // the nearest folder that exists
        Assert.Single(server.Requests);               // no other address can make room
        AssertNothingLeft(folder);
    }

    [Fact]
    public void A_host_that_does_not_answer_is_asked_once_per_run()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("a.gz", new(200, Payload, NoAnswer: true));
        server.Serve("b.gz", new(200, Payload));
        var downloader = Quiet(Relaxed with { IdleTimeout = TimeSpan.FromSeconds(0.5) });

        var first = Assert.Throws<DatasetUnavailableException>(() => downloader.Ensure(new RemoteFile("a.gz", PayloadSha, server.Url("a.gz")), folder.Combine("cache"), "Fixture"));
        var second = Assert.Throws<DatasetUnavailableException>(() => downloader.Ensure(new RemoteFile("b.gz", PayloadSha, server.Url("b.gz")), folder.Combine("cache"), "Fixture"));

        Assert.Contains("no answer", first.Reason);
        Assert.Contains("did not answer earlier in this run", second.Reason);
        Assert.Equal(1, server.Connections);
        // Another run (another downloader) asks again.
        Assert.Equal(Payload, File.ReadAllBytes(Quiet().Ensure(new RemoteFile("b.gz", PayloadSha, server.Url("b.gz")), folder.Combine("cache"), "Fixture")));
    }

    [Fact]
    public void A_mirror_serves_every_canonical_address_under_its_base_and_checksums_still_apply()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        const string canonical = "https://downloads.example.org/data/file.gz?version=2";
        server.Serve("downloads.example.org/data/file.gz?version=2", new(200, Payload));
        var mirror = new DownloadMirror(server.BaseUrl);

        var downloaded = new Downloader(Relaxed, mirror, log: TextWriter.Null).Fetch(new RemoteFile("file.gz", PayloadSha, canonical), folder.Path, "Fixture");

        Assert.Equal(Payload, File.ReadAllBytes(downloaded.Path));
        Assert.Equal(canonical, downloaded.Url);
        Assert.Equal(PayloadSha, downloaded.Sha256);
        Assert.Equal(["/downloads.example.org/data/file.gz?version=2"], server.Requests);
        Assert.Throws<DataFormatException>(() => new Downloader(Relaxed, mirror, log: TextWriter.Null)
            .Fetch(new RemoteFile("other.gz", new string('a', 64), canonical), folder.Path, "Fixture"));
    }

    [Fact]
    public void Replacement_checksums_are_honoured_only_for_a_mirror_on_this_machine()
    {
        var pins = new Dictionary<string, string> { ["https://example.org/file.gz"] = PayloadSha };
        Assert.Throws<ArgumentException>(() => new DownloadMirror("http://mirror.example.org/", pins));
        Assert.Throws<ArgumentException>(() => new DownloadMirror(null, pins));
        var local = new DownloadMirror("http://127.0.0.1:8000/", pins);
        Assert.Equal(PayloadSha, local.PinFor("https://example.org/file.gz", "0000"));
        Assert.Equal("0000", local.PinFor("https://example.org/other.gz", "0000"));
        Assert.Equal("http://127.0.0.1:8000/example.org/file.gz", local.Resolve("https://example.org/file.gz"));
    }

    [Fact]
    public void A_log_gets_a_line_when_a_download_starts_and_one_when_it_ends()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));
        var log = new StringWriter();

        new Downloader(Relaxed, log: log).Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Path, "Fixture");

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"Downloading file.gz from {server.Url("file.gz")} (300.0 kB)", lines[0].TrimEnd());
        Assert.Matches(@"^file\.gz: 300\.0 kB in [\d.]+ s \([\d.]+ MB/s\), SHA-256 verified$", lines[1].TrimEnd());
    }
}
