using DeepLearningCourse.Data;
using DeepLearningCourse.Models;
using DeepLearningCourse.Tests.Data;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// Backbone.Load downloads torchvision's weights on first use, as torchvision does, from a loopback server that
/// plays download.pytorch.org (through the mirror, as COURSE_DOWNLOAD_MIRROR does); offline, or when the file is
/// refused, the ResNet-18 runs and says why.
/// </summary>
public sealed class WeightDownloadTests : IDisposable
{
    static readonly string DenseNetUrl = WeightFiles.Torchvision["densenet121"].Urls[0];

    readonly TemporaryFolder folder = new();
    readonly LocalHttpServer server = new();

    public WeightDownloadTests()
    {
        TorchFixture.Ensure();
        // The offline network must be there for the fallback (with its converted copy, if made); links keep the test from copying 63 MB.
        foreach (var file in Directory.GetFiles(OfflineWeights.Folder).Where(f => f.EndsWith(".onnx") || f.EndsWith(".ckpt")))
            File.CreateSymbolicLink(folder.Combine(Path.GetFileName(file)), file);
    }

    /// <summary>A downloader whose mirror is the test's server; <paramref name="pinFixture"/> replaces densenet121's checksum by the fixture's, as the end-to-end test does.</summary>
    Downloader Downloader(bool pinFixture, TextWriter? log = null, Func<string, long>? freeSpace = null) =>
        new(DownloaderTests.Relaxed,
            new DownloadMirror(server.BaseUrl, pinFixture ? new Dictionary<string, string> { [DenseNetUrl] = TorchvisionFixtures.DenseNet121.Sha256 } : null),
            freeSpace, log ?? TextWriter.Null);

    /// <summary>The files in the weights folder other than the offline network's.</summary>
    string[] WeightFilesThere() => Directory.GetFiles(folder.Path).Select(Path.GetFileName).Where(f => !f!.StartsWith(Backbone.OfflineName)).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void The_course_network_is_downloaded_on_first_use_checked_and_used()
    {
        // Before, Backbone.Load never downloaded anything, so a connected machine ran the stand-in too.
        server.ServeCanonical(DenseNetUrl, File.ReadAllBytes(TorchvisionFixtures.DenseNet121.Path));
        var log = new StringWriter();

        using (var backbone = Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: true, log)))
        {
            Assert.False(backbone.IsOffline);
            Assert.Equal($"densenet121 with torchvision's ImageNet weights from {folder.Combine("densenet121-a639ec97.pth")} (SHA-256 matches the prefix in its name)", backbone.Description);
        }
        Assert.Contains("Downloading densenet121-a639ec97.pth from https://download.pytorch.org/models/densenet121-a639ec97.pth", log.ToString());
        Assert.Equal(["densenet121-a639ec97.pth"], WeightFilesThere());

        using (Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: true))) { }
        Assert.Single(server.Requests);   // present: not downloaded again
    }

    [Fact]
    public void A_file_whose_checksum_does_not_start_with_its_names_prefix_is_refused_and_the_stand_in_says_why()
    {
        // The fixture is a valid densenet121 file, but not torchvision's: its SHA-256 does not start with a639ec97.
        server.ServeCanonical(DenseNetUrl, File.ReadAllBytes(TorchvisionFixtures.DenseNet121.Path));

        using var backbone = Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: false));

        Assert.True(backbone.IsOffline);
        Assert.Contains($"has SHA-256 {TorchvisionFixtures.DenseNet121.Sha256}, not the expected a639ec97…; it was discarded", backbone.Description);
        Assert.Contains("tools/fetch-weights", backbone.Description);
        Assert.Empty(WeightFilesThere());
    }

    [Fact]
    public void A_present_file_whose_checksum_does_not_match_its_name_fails_loudly()
    {
        File.Copy(TorchvisionFixtures.DenseNet121.Path, folder.Combine("densenet121-a639ec97.pth"));

        var e = Assert.Throws<DataFormatException>(() => Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: false)));

        Assert.Equal(folder.Combine("densenet121-a639ec97.pth"), e.FilePath);
        Assert.Contains("not the file its name says", e.Problem);
    }

    [Fact]
    public void Offline_the_stand_in_names_the_command_that_gets_the_course_network()
    {
        server.Dispose();   // nothing answers

        using var backbone = Backbone.Load("vgg16", folder.Path, Downloader(pinFixture: false));

        Assert.True(backbone.IsOffline);
        Assert.Contains("offline stand-in: torchvision's vgg16 weights are not in", backbone.Description);
        Assert.Contains("downloading them failed", backbone.Description);
        Assert.Contains("`tools/fetch-weights`", backbone.Description);
        Assert.Empty(WeightFilesThere());
    }

    [Fact]
    public void A_disk_without_room_refuses_the_download_in_one_clear_sentence()
    {
        server.ServeCanonical(DenseNetUrl, File.ReadAllBytes(TorchvisionFixtures.DenseNet121.Path));

        using var backbone = Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: true, freeSpace: _ => 10_000_000));

        Assert.True(backbone.IsOffline);
        Assert.Contains("Not enough free space for torchvision's densenet121 weights: it needs", backbone.Description);
        Assert.Empty(WeightFilesThere());
    }

    [Fact]
    public async Task Two_first_uses_at_once_both_load_the_network_from_one_file()
    {
        server.Serve("download.pytorch.org/models/densenet121-a639ec97.pth",
            new(200, File.ReadAllBytes(TorchvisionFixtures.DenseNet121.Path), WaitForRequests: 2));

        var offline = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            using var backbone = Backbone.Load("densenet121", folder.Path, Downloader(pinFixture: true));
            return backbone.IsOffline;
        })));

        Assert.Equal([false, false], offline);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(["densenet121-a639ec97.pth"], WeightFilesThere());   // one copy, no partial files
    }

    public void Dispose()
    {
        server.Dispose();
        folder.Dispose();
    }
}
