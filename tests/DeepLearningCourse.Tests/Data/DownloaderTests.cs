using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tests.Data;

public class DownloaderTests
{
    static readonly byte[] Payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 256)).ToArray();
    static readonly string PayloadSha = Convert.ToHexString(SHA256.HashData(Payload)).ToLowerInvariant();

    static void AssertNothingLeft(TemporaryFolder folder) =>
        Assert.Empty(Directory.Exists(folder.Combine("cache")) ? Directory.GetFiles(folder.Combine("cache")) : []);

    [Fact]
    public void A_complete_download_with_the_pinned_checksum_lands_in_the_cache()
    {
        using var server = new LocalHttpServer();
        using var folder = new TemporaryFolder();
        server.Serve("file.gz", new(200, Payload));

        var path = Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null);

        Assert.Equal(folder.Combine("cache", "file.gz"), path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Combine("cache")));

        // Present files are not fetched again.
        Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null);
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
            Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null));

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
            Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null));

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

        var path = Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("a/file.gz"), server.Url("b/file.gz")),
            folder.Combine("cache"), "Fixture", log: TextWriter.Null);

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
            Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz"), server.Url("mirror/file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null));

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

        Downloader.Ensure(new RemoteFile("file.gz", PayloadSha, server.Url("file.gz")), folder.Combine("cache"), "Fixture", log: TextWriter.Null);

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
            Downloader.Ensure(new RemoteFile("train-images-idx3-ubyte.gz", PayloadSha, url), folder.Combine("cache"), "MNIST", log: TextWriter.Null));

        Assert.Equal("MNIST", e.Dataset);
        Assert.StartsWith("MNIST is not in", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Contains("tools/fetch-data", e.Message);
        AssertNothingLeft(folder);
    }
}
