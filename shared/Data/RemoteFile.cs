namespace DeepLearningCourse.Data;

/// <summary>
/// A file the course downloads: its name in the cache, the SHA-256 it must have (lower-case hex; a prefix
/// of it where that is all the publisher gives, as torchvision's weight file names do; null where nothing
/// is published and the content is checked by its structure instead), the addresses it is published at,
/// tried in order (the original host first, then mirrors), and its size when known beforehand.
/// </summary>
public sealed record RemoteFile(string FileName, string? Sha256, IReadOnlyList<string> Urls, long? Size = null)
{
    /// <summary>A file published at <paramref name="urls"/>, of unknown size.</summary>
    public RemoteFile(string fileName, string? sha256, params string[] urls) : this(fileName, sha256, (IReadOnlyList<string>)urls) { }

    /// <summary>Whether <paramref name="sha256"/> (a whole SHA-256 in hex) is the one this file must have.</summary>
    public bool Matches(string sha256) => Sha256 is null || sha256.StartsWith(Sha256, StringComparison.OrdinalIgnoreCase);
}
