using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Data;

/// <summary>
/// Fetches a <see cref="RemoteFile"/> into the cache: streamed to a temporary file while hashing, with its
/// progress shown, renamed into place only when complete and matching its checksum. Whatever goes wrong, no
/// partial file (and no folder made for it) stays behind. Every download works within
/// <see cref="DownloadLimits"/>, refuses to start when the disk lacks room for it, and each host is probed
/// once per process: after it failed to answer, further files from it fail at once.
/// </summary>
public sealed class Downloader
{
    /// <summary>Free space a download leaves on the disk beyond its own size.</summary>
    public const long SpareBytes = 64_000_000;

    static readonly Lazy<Downloader> shared = new(() => new Downloader(DownloadLimits.Default, DownloadMirror.FromEnvironment()));

    readonly HttpClient client;
    readonly Func<string, long> freeSpace;
    readonly TextWriter? log;
    readonly ConcurrentDictionary<string, string> unreachable = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A downloader with its own record of unreachable hosts. <paramref name="freeSpace"/> measures the free bytes
    /// of a folder's disk (default: the file system's own figure); <paramref name="log"/> receives progress as
    /// lines (default: the notebook or the console, updated in place).
    /// </summary>
    internal Downloader(DownloadLimits limits, DownloadMirror? mirror = null, Func<string, long>? freeSpace = null, TextWriter? log = null)
    {
        Limits = limits;
        Mirror = mirror ?? DownloadMirror.None;
        this.freeSpace = freeSpace ?? FreeBytes;
        this.log = log;
        client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = limits.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None, // the checksum is of the bytes as published
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The process-wide downloader: default limits, the mirror the environment names (<see cref="DownloadMirror.Variable"/>).</summary>
    public static Downloader Shared => shared.Value;

    /// <summary>How long downloads may take.</summary>
    public DownloadLimits Limits { get; }

    /// <summary>Where downloads really go.</summary>
    public DownloadMirror Mirror { get; }

    /// <summary>Where messages about downloads go (the console, unless a test gave a log).</summary>
    internal TextWriter Log => log ?? Console.Out;

    /// <summary>
    /// Returns the path of <paramref name="file"/> in <paramref name="folder"/>, downloading it first if it is
    /// absent (see <see cref="Fetch"/>).
    /// </summary>
    public string Ensure(RemoteFile file, string folder, string what)
    {
        var target = Path.Combine(folder, file.FileName);
        return File.Exists(target) ? target : Fetch(file, folder, what).Path;
    }

    /// <summary>
    /// Downloads <paramref name="file"/> into <paramref name="folder"/>. Each address is tried in turn, after
    /// a network failure and after a download whose bytes do not match the checksum alike. When every address
    /// fails for network reasons this throws a <see cref="DatasetUnavailableException"/>; when one of them
    /// served wrong bytes, a <see cref="DataFormatException"/>. A disk without room for the file throws a
    /// <see cref="NotEnoughSpaceException"/>, and another local disk error (a read-only cache, a denied
    /// permission) an <see cref="IOException"/> naming the folder, without trying further addresses: no
    /// server can fix them.
    /// </summary>
    public Downloaded Fetch(RemoteFile file, string folder, string what)
    {
        var target = Path.Combine(folder, file.FileName);
        var failures = new List<string>();
        Exception? last = null;
        DataFormatException? mismatch = null;
        foreach (var url in file.Urls)
        {
            var source = Mirror.Resolve(url);
            var host = new Uri(source).Authority;
            if (unreachable.TryGetValue(host, out var earlier))
            {
                failures.Add($"{url}: {host} did not answer earlier in this run ({earlier})");
                continue;
            }
            try
            {
                var expected = file with { Sha256 = Mirror.PinFor(url, file.Sha256) };
                return Task.Run(() => DownloadAsync(source, url, expected, folder, target, what)).GetAwaiter().GetResult();
            }
            catch (DataFormatException e)
            {
                failures.Add($"{url}: {e.Problem}");
                mismatch = e;
            }
            catch (HostUnreachableException e)
            {
                unreachable.TryAdd(host, e.Message);
                failures.Add($"{url}: {e.Message}");
                last = e.InnerException;
            }
            catch (Exception e) when (e is HttpRequestException or DownloadAbandonedException)
            {
                failures.Add($"{url}: {Describe(e)}");
                last = e;
            }
            catch (NotEnoughSpaceException)
            {
                throw;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Downloading {what} from {url} failed on this machine, not on the network: writing {target} failed ({e.Message}). " +
                    $"The data cache {folder} must be writable and have free space; set {CourseSettings.DataVariable} to use another folder.", e);
            }
        }
        if (mismatch is not null)
            throw new DataFormatException(target, string.Join("; ", failures));
        throw new DatasetUnavailableException(what, folder, file.Urls, string.Join("; ", failures), last);
    }

    /// <summary>
    /// Throws a <see cref="NotEnoughSpaceException"/> unless <paramref name="folder"/>'s disk (or, while it does
    /// not exist, its nearest existing parent's) has <paramref name="bytes"/> plus <see cref="SpareBytes"/> free.
    /// </summary>
    public void RequireFreeSpace(string folder, long bytes, string what)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        var free = freeSpace(existing);
        if (free < bytes + SpareBytes)
            throw new NotEnoughSpaceException(folder, what, bytes, free);
    }

    async Task<Downloaded> DownloadAsync(string source, string canonicalUrl, RemoteFile file, string folder, string target, string what)
    {
        using var overall = new CancellationTokenSource(Limits.Deadline);
        HttpResponseMessage response;
        try
        {
            using var headers = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            headers.CancelAfter(Limits.IdleTimeout);
            response = await client.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (HttpRequestException e)
        {
            throw new HostUnreachableException(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message, e);
        }
        catch (OperationCanceledException e)
        {
            throw new HostUnreachableException($"no answer (allowed: {Seconds(Limits.ConnectTimeout)} to connect, {Seconds(Limits.IdleTimeout)} to respond)", e);
        }

        using (response)
        {
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength ?? file.Size;
            if (total is long size) RequireFreeSpace(folder, size, what);

            var createdFolder = !Directory.Exists(folder);
            Directory.CreateDirectory(folder);
            var progress = new DownloadProgress(log, file.FileName, canonicalUrl, total);
            long received = 0;
            string actual = "";
            try
            {
                await AtomicFile.WriteAsync(target, async temporary =>
                {
                    await using var body = await response.Content.ReadAsStreamAsync(overall.Token);
                    await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[1 << 16];
                    var clock = Stopwatch.StartNew();
                    var (windowStart, windowBytes) = (TimeSpan.Zero, 0L);
                    while (true)
                    {
                        int read;
                        using (var idle = CancellationTokenSource.CreateLinkedTokenSource(overall.Token))
                        {
                            idle.CancelAfter(Limits.IdleTimeout);
                            // Reads fail for network reasons, writes for local ones; the caller tells them apart by type.
                            try { read = await body.ReadAsync(buffer, idle.Token); }
                            catch (OperationCanceledException) when (overall.IsCancellationRequested)
                            { throw Abandoned($"it was not finished within {Seconds(Limits.Deadline)}, the limit for one download"); }
                            catch (OperationCanceledException)
                            { throw Abandoned($"the server sent nothing for {Seconds(Limits.IdleTimeout)}"); }
                            catch (IOException e)
                            { throw Abandoned($"the connection failed ({e.Message})"); }
                        }
                        if (read == 0) break;
                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read));
                        received += read;
                        progress.Report(received);
                        var window = clock.Elapsed - windowStart;
                        if (window >= Limits.RateWindow)
                        {
                            var rate = (received - windowBytes) / window.TotalSeconds;
                            if (rate < Limits.MinimumBytesPerSecond)
                                throw Abandoned($"it slowed to {rate:N0} bytes/s over the last {Seconds(window)}, below the minimum of {Limits.MinimumBytesPerSecond:N0} bytes/s");
                            (windowStart, windowBytes) = (clock.Elapsed, received);
                        }
                    }
                    if (response.Content.Headers.ContentLength is long promised && received != promised)
                        throw Abandoned($"the connection closed after {received:N0} of {promised:N0} bytes");
                    actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
                    // Throwing here leaves the download unrenamed, and AtomicFile deletes it.
                    if (!file.Matches(actual))
                        throw new DataFormatException(target, $"the download from {canonicalUrl} has SHA-256 {actual}, not the expected {file.Sha256}{(file.Sha256!.Length < 64 ? "…" : "")}; it was discarded");
                });
            }
            catch (Exception e)
            {
                progress.Fail(received, e is DownloadAbandonedException or DataFormatException ? "discarded" : e.Message);
                if (createdFolder && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
                throw;
            }
            progress.Finish(received, file.Sha256 is null ? $"SHA-256 {actual}" : Mirror.PinFor(canonicalUrl, null) is null ? "SHA-256 verified" : "SHA-256 matches the replacement checksum");
            return new Downloaded(target, actual, canonicalUrl, received);

            DownloadAbandonedException Abandoned(string reason) =>
                new($"gave up after {Seconds(progress.Elapsed)}: {reason}; {DownloadProgress.Size(received)}" +
                    $"{(total is long t ? $" of {DownloadProgress.Size(t)}" : "")} had arrived and nothing was kept. " +
                    $"To retry, run the same again (on a faster or steadier connection), or download {canonicalUrl} yourself and save it as {target}");
        }
    }

    static string Seconds(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMinutes:0} min";

    static string Describe(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status} {status}",
        _ => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message,
    };

    static long FreeBytes(string folder) => new DriveInfo(folder).AvailableFreeSpace;

    /// <summary>No connection, or no response, from a host: the rest of the run does not ask it again.</summary>
    sealed class HostUnreachableException(string message, Exception inner) : Exception(message, inner);

    /// <summary>A download given up part-way (too slow, too long, silent, or cut off); the message says how much had arrived.</summary>
    sealed class DownloadAbandonedException(string message) : Exception(message);
}

/// <summary>A completed, verified download: where it is, its SHA-256, the canonical address it came from, and its size.</summary>
public sealed record Downloaded(string Path, string Sha256, string Url, long Bytes);

/// <summary>A download or an unpacking refused before it started because the disk lacks room for it; nothing was written.</summary>
public sealed class NotEnoughSpaceException(string folder, string what, long needed, long free)
    : IOException($"Not enough free space for {what}: it needs {DownloadProgress.Size(needed)} (plus {DownloadProgress.Size(Downloader.SpareBytes)} to spare) in {folder}, " +
        $"but that disk has {DownloadProgress.Size(free)} free. Free some space there, or set {CourseSettings.DataVariable} to a folder on a larger disk, and run the same again.")
{
    /// <summary>The folder that lacks room.</summary>
    public string Folder { get; } = folder;
}
