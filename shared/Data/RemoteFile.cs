namespace DeepLearningCourse.Data;

/// <summary>
/// A file of a canonical dataset: its name in the cache, its pinned SHA-256 (lower-case hex) and
/// the addresses it is published at, tried in order (the original host first, then mirrors).
/// </summary>
public sealed record RemoteFile(string FileName, string Sha256, params string[] Urls);
