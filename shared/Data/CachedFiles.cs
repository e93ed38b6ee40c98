using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace DeepLearningCourse.Data;

/// <summary>
/// Checks files already in the data cache before a dataset reads them: against the <c>SHA256SUMS</c>
/// that <c>tools/fetch-data</c> seals each folder with, or against the pinned SHA-256 of a file the
/// library downloaded. A file is hashed once per process; afterwards only its size and modification
/// time are compared, so building a dataset again (or another epoch) costs no checksum work.
/// </summary>
static class CachedFiles
{
    /// <summary>The checksum list <c>tools/fetch-data</c> writes into every folder it installs.</summary>
    public const string SumsFile = "SHA256SUMS";

    const string RefetchHint = "run " + DatasetUnavailableException.OfflineCommand + " to rebuild the folder";

    static readonly ConcurrentDictionary<string, (long Length, DateTime Modified)> verified = new();

    /// <summary>
    /// When <paramref name="folder"/> holds a <see cref="SumsFile"/>, requires every file it lists to be
    /// present and unchanged; a folder without one is left to the readers' own checks.
    /// </summary>
    public static void VerifySealed(string folder)
    {
        var sums = Path.Combine(folder, SumsFile);
        if (!File.Exists(sums)) return;
        foreach (var line in File.ReadLines(sums).Where(l => l.Trim().Length > 0))
        {
            // sha256sum's format: 64 hex digits, two separator characters, the relative path.
            if (line.Length < 67 || !line[..64].All(Uri.IsHexDigit))
                throw new DataFormatException(sums, $"the line '{line}' is not '<SHA-256>  <file>'; {RefetchHint}");
            Verify(Path.Combine(folder, line[66..]), line[..64], RefetchHint);
        }
    }

    /// <summary>
    /// Seals a folder the library built: a <see cref="SumsFile"/> listing every file's SHA-256 in
    /// <c>sha256sum</c>'s format, as <c>tools/fetch-data</c> writes it, so later runs can tell the folder is unchanged.
    /// </summary>
    public static void Seal(string folder)
    {
        var lines = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f != SumsFile)
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                using var stream = File.OpenRead(Path.Combine(folder, f));
                return $"{Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant()}  {f}\n";
            });
        Infrastructure.AtomicFile.Write(Path.Combine(folder, SumsFile), temporary => File.WriteAllText(temporary, string.Concat(lines)));
    }

    /// <summary>
    /// Requires <paramref name="path"/> to exist with SHA-256 <paramref name="sha256"/> (or, for a weight file
    /// named after its checksum, one starting with that prefix); otherwise throws a
    /// <see cref="DataFormatException"/> naming it and ending with <paramref name="remedy"/>.
    /// </summary>
    public static void Verify(string path, string sha256, string remedy)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new DataFormatException(path, $"missing, although the dataset's folder lists it (the folder is incomplete); {remedy}");
        var stamp = (info.Length, info.LastWriteTimeUtc);
        if (verified.TryGetValue(info.FullName, out var seen) && seen == stamp) return;

        string actual;
        using (var stream = info.OpenRead()) actual = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        if (!actual.StartsWith(sha256, StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(path, $"changed since it was stored (truncated or altered): its SHA-256 is {actual}, not {sha256.ToLowerInvariant()}; {remedy}");
        verified[info.FullName] = stamp;
    }
}
