using System.Security.Cryptography;
using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Models;

/// <summary>
/// Where pretrained weights live (<c>weights/</c> under the data cache, <see cref="CourseSettings.DataRoot"/>) and how
/// a file the course downloads is checked before use.
/// </summary>
public static class WeightFiles
{
    /// <summary>The command, run from the repository root, that puts the offline weights in place.</summary>
    public const string FetchCommand = "tools/fetch-weights";

    /// <summary>The weights folder of the data cache.</summary>
    public static string Folder => Path.Combine(CourseSettings.DataRoot, "weights");

    /// <summary>
    /// Returns <paramref name="path"/> once its SHA-256 is <paramref name="sha256"/>; otherwise
    /// fails with a message that names the file and the command that restores it.
    /// </summary>
    public static string RequireVerified(string path, string sha256)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing. Run {FetchCommand} from the repository root to fetch it (with COURSE_DATA set if you use another data folder).", path);
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        if (actual != sha256)
            throw new InvalidDataException($"{path} is corrupt or not the expected file: its SHA-256 is {actual}, expected {sha256}. Delete it and run {FetchCommand} from the repository root.");
        return path;
    }
}
