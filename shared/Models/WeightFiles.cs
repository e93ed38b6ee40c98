using System.Text.RegularExpressions;
using DeepLearningCourse.Data;

using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Models;

/// <summary>
/// Where pretrained weights live (<c>weights/</c> under <see cref="CourseSettings.DataRoot"/>), which files torchvision
/// publishes for the course's networks, and how a weight file is checked before use.
/// </summary>
public static class WeightFiles
{
    /// <summary>The command, run from the repository root, that puts the weights in place.</summary>
    public const string FetchCommand = "tools/fetch-weights";

    /// <summary>The weights folder of the data cache.</summary>
    public static string Folder => Path.Combine(CourseSettings.DataRoot, "weights");

    // Declared before the table below, whose initialiser uses it.
    static readonly Regex hashInName = new(@"-([0-9a-f]{8,64})\.[A-Za-z]+$", RegexOptions.CultureInvariant);

    /// <summary>
    /// torchvision's ImageNet weight files for the course's networks, as <c>torchvision.models.&lt;name&gt;(pretrained=True)</c>
    /// downloads them. The hex digits after the last '-' of each name start the file's SHA-256; torch.hub checks them, and so do we.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, RemoteFile> Torchvision = new Dictionary<string, RemoteFile>
    {
        ["densenet121"] = Published("densenet121-a639ec97.pth", 32_342_954),
        ["vgg16"] = Published("vgg16-397923af.pth", 553_433_881),
        ["vgg19"] = Published("vgg19-dcbb9e9d.pth", 574_673_361),
    };

    static RemoteFile Published(string fileName, long size) =>
        new(fileName, HashPrefix(fileName), ["https://download.pytorch.org/models/" + fileName], size);

    /// <summary>torch.hub's rule: the hex digits between a weight file name's last '-' and its extension start its SHA-256; null when the name has none.</summary>
    public static string? HashPrefix(string fileName) => hashInName.Match(fileName) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// Downloads torchvision's weights for <paramref name="name"/> into <paramref name="folder"/> (progress shown,
    /// checked against the hash prefix in the file's name, refused before it starts when the disk lacks room) and
    /// returns the file's path. Fails as <see cref="Downloader.Fetch"/> does.
    /// </summary>
    public static string Download(string name, string folder, Downloader? downloader = null)
    {
        if (!Torchvision.TryGetValue(name, out var file))
            throw new ArgumentException($"torchvision publishes no weights the course uses for '{name}'; the course's networks are {string.Join(", ", Torchvision.Keys)}.", nameof(name));
        return (downloader ?? Downloader.Shared).Fetch(file, folder, $"torchvision's {name} weights").Path;
    }

    /// <summary>
    /// Requires a weight file whose name carries a SHA-256 prefix (torchvision's names do) to match it, once per
    /// process; files named otherwise (a user's <c>vgg16.pth</c>) are left to the reader's checks. Returns whether it was checked.
    /// </summary>
    internal static bool VerifyAgainstName(string path, Downloader? downloader = null)
    {
        var fileName = Path.GetFileName(path);
        var canonical = Torchvision.Values.FirstOrDefault(f => f.FileName == fileName)?.Urls[0];
        var expected = canonical is null ? HashPrefix(fileName) : (downloader ?? Downloader.Shared).Mirror.PinFor(canonical, HashPrefix(fileName));
        if (expected is null) return false;
        CachedFiles.Verify(path, expected, $"it is not the file its name says; delete it and run {FetchCommand} from the repository root (or load the network again with a network) to download it anew");
        return true;
    }

    /// <summary>
    /// Returns <paramref name="path"/> once its SHA-256 is <paramref name="sha256"/>; otherwise
    /// fails with a message that names the file and the command that restores it.
    /// </summary>
    public static string RequireVerified(string path, string sha256)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing. Run {FetchCommand} from the repository root to fetch it (with COURSE_DATA set if you use another data folder).", path);
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)).ToLowerInvariant();
        if (actual != sha256)
            throw new InvalidDataException($"{path} is corrupt or not the expected file: its SHA-256 is {actual}, expected {sha256}. Delete it and run {FetchCommand} from the repository root.");
        return path;
    }
}
