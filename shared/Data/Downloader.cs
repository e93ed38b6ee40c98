using DeepLearningCourse.Infrastructure;
using System.Net;
using System.Security.Cryptography;

namespace DeepLearningCourse.Data;

/// <summary>
/// Fetches a <see cref="RemoteFile"/> into the cache: streamed to a temporary file while hashing,
/// renamed into place only when complete and matching its pinned SHA-256. Whatever goes wrong, no
/// partial file stays behind.
/// </summary>
public static class Downloader
{
    /// <summary>How long to wait for a connection, for response headers, and between two reads of the body.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    static readonly Lazy<HttpClient> shared = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AutomaticDecompression = DecompressionMethods.None, // the checksum is of the bytes as published
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    /// <summary>
    /// Returns the path of <paramref name="file"/> in <paramref name="folder"/>, downloading it first if it
    /// is absent. Each address is tried in turn, after a network failure and after a download whose bytes
    /// do not match the pinned checksum alike. When every address fails for network reasons this throws a
    /// <see cref="DatasetUnavailableException"/>; when one of them served wrong bytes, a
    /// <see cref="DataFormatException"/>. A local disk error (a read-only or full cache, a denied
    /// permission) throws an <see cref="IOException"/> that names the folder, without trying further
    /// addresses: no server can fix it.
    /// </summary>
    public static string Ensure(RemoteFile file, string folder, string dataset, HttpClient? client = null, TextWriter? log = null)
    {
        var target = Path.Combine(folder, file.FileName);
        if (File.Exists(target)) return target;

        var failures = new List<string>();
        Exception? last = null;
        DataFormatException? mismatch = null;
        foreach (var url in file.Urls)
        {
            (log ?? Console.Out).WriteLine($"Downloading {dataset}: {url}");
            try
            {
                Directory.CreateDirectory(folder);
                Task.Run(() => DownloadAsync(client ?? shared.Value, url, file, target)).GetAwaiter().GetResult();
                return target;
            }
            catch (DataFormatException e)
            {
                failures.Add($"{url}: {e.Problem}");
                mismatch = e;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                failures.Add($"{url}: {Describe(e)}");
                last = e;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Downloading {dataset} from {url} failed on this machine, not on the network: writing {target} failed ({e.Message}). " +
                    $"The data cache {folder} must be writable and have free space; set {CourseSettings.DataVariable} to use another folder.", e);
            }
        }
        if (mismatch is not null)
            throw new DataFormatException(target, string.Join("; ", failures));
        throw new DatasetUnavailableException(dataset, folder, file.Urls, string.Join("; ", failures), last);
    }

    static Task DownloadAsync(HttpClient client, string url, RemoteFile file, string target) =>
        AtomicFile.WriteAsync(target, async temporary =>
        {
            using var headers = new CancellationTokenSource(Timeout);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(headers.Token);

            string actual;
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                while (true)
                {
                    // A stalled server must not hang a notebook: each read gets its own deadline.
                    using var idle = new CancellationTokenSource(Timeout);
                    int read;
                    // Reads fail for network reasons, writes for local ones; the caller tells them apart by type.
                    try { read = await body.ReadAsync(buffer, idle.Token); }
                    catch (IOException e) { throw new HttpRequestException($"the connection failed after {output.Length:N0} bytes ({e.Message})", e); }
                    if (read == 0) break;
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), idle.Token);
                }
                if (response.Content.Headers.ContentLength is long promised && output.Length != promised)
                    throw new HttpRequestException($"the connection closed after {output.Length:N0} of {promised:N0} bytes");
                actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            }
            // Throwing here leaves the download unrenamed, and AtomicFile deletes it.
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new DataFormatException(target, $"the download from {url} has SHA-256 {actual}, not the pinned {file.Sha256}; it was discarded");
        });

    static string Describe(Exception e) => e switch
    {
        OperationCanceledException => $"no response within {Timeout.TotalSeconds:0} s",
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status} {status}",
        _ => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message,
    };
}
