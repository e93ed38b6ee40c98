using System.Net;

namespace DeepLearningCourse.Data;

/// <summary>
/// Where downloads really go. Normally to the canonical addresses; with <see cref="Variable"/> set to a base
/// URL, every canonical address <c>https://host/path</c> is fetched from <c>BASE/host/path</c> instead, so a
/// local mirror (or a test's loopback server) can play the internet. Checksums are checked as always.
/// Only for a mirror on this machine (a loopback address), <see cref="PinsVariable"/> may name a file of
/// <c>&lt;SHA-256&gt;  &lt;canonical address&gt;</c> lines that replace the catalogue's checksums: the
/// end-to-end tests serve generated files in the canonical formats, which cannot have the real files' sums.
/// </summary>
public sealed class DownloadMirror
{
    /// <summary>The environment variable holding the mirror's base URL.</summary>
    public const string Variable = "COURSE_DOWNLOAD_MIRROR";

    /// <summary>The environment variable naming a file of replacement checksums, honoured for a loopback mirror only.</summary>
    public const string PinsVariable = "COURSE_DOWNLOAD_PINS";

    readonly string? baseUrl;
    readonly IReadOnlyDictionary<string, string> pins;

    /// <summary>A mirror at <paramref name="baseUrl"/> (null: the canonical addresses themselves), with optional replacement checksums by canonical address.</summary>
    public DownloadMirror(string? baseUrl, IReadOnlyDictionary<string, string>? pins = null)
    {
        if (baseUrl is not null && !Uri.TryCreate(baseUrl, UriKind.Absolute, out _))
            throw new ArgumentException($"{Variable} must be an absolute URL such as http://127.0.0.1:8000/, not '{baseUrl}'.", nameof(baseUrl));
        this.baseUrl = baseUrl?.TrimEnd('/');
        this.pins = pins ?? new Dictionary<string, string>();
        if (this.pins.Count > 0 && (baseUrl is null || !IsLoopback(new Uri(baseUrl))))
            throw new ArgumentException($"Replacement checksums ({PinsVariable}) are honoured only with a mirror on this machine (a loopback {Variable}).", nameof(pins));
    }

    /// <summary>The canonical addresses, unchanged.</summary>
    public static DownloadMirror None { get; } = new(null);

    /// <summary>The mirror <see cref="Variable"/> and <see cref="PinsVariable"/> describe, or <see cref="None"/>.</summary>
    public static DownloadMirror FromEnvironment()
    {
        var baseUrl = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } b ? b : null;
        var pinsFile = Environment.GetEnvironmentVariable(PinsVariable) is { Length: > 0 } p ? p : null;
        return new DownloadMirror(baseUrl, pinsFile is null ? null : ReadPins(pinsFile));
    }

    /// <summary>Whether addresses are redirected.</summary>
    public bool IsActive => baseUrl is not null;

    /// <summary>The address <paramref name="canonicalUrl"/> is fetched from.</summary>
    public string Resolve(string canonicalUrl)
    {
        if (baseUrl is null) return canonicalUrl;
        var uri = new Uri(canonicalUrl);
        return $"{baseUrl}/{uri.Authority}{uri.PathAndQuery}";
    }

    /// <summary>The checksum a file from <paramref name="canonicalUrl"/> must have: a replacement if one is given, else <paramref name="pinned"/>.</summary>
    public string? PinFor(string canonicalUrl, string? pinned) => pins.TryGetValue(canonicalUrl, out var replacement) ? replacement : pinned;

    /// <summary>Whether any checksum is replaced, so descriptions can say the data was checked against test sums.</summary>
    public bool ReplacesPins => pins.Count > 0;

    static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    static Dictionary<string, string> ReadPins(string path)
    {
        var pins = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !parts[0].All(Uri.IsHexDigit))
                throw new DataFormatException(path, $"the line '{line}' is not '<SHA-256>  <address>'");
            pins[parts[1].Trim()] = parts[0].ToLowerInvariant();
        }
        return pins;
    }
}
