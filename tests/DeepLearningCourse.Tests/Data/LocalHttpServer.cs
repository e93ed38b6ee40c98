using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DeepLearningCourse.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for the download tests: "the internet" as the tests need it. Each
/// path serves fixed bytes, and may promise more bytes than it sends and then drop the connection, send its
/// body slowly (<see cref="Response.Pace"/>), hold its answer until several clients asked for it
/// (<see cref="Response.WaitForRequests"/>), or never answer at all.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    /// <summary>
    /// What a path answers. <paramref name="SendOnly"/>: bytes sent before the connection is reset;
    /// <paramref name="Pace"/>: the body in chunks of that many bytes, one per interval; <paramref name="WaitForRequests"/>:
    /// no answer until that many requests for the path have arrived (at most 10 s); <paramref name="NoAnswer"/>:
    /// the connection is accepted and left silent.
    /// </summary>
    public sealed record Response(int Status, byte[] Body, int? SendOnly = null, (int Bytes, TimeSpan Every)? Pace = null, int WaitForRequests = 1, bool NoAnswer = false);

    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, Response> routes = new();
    readonly CancellationTokenSource stop = new();
    readonly Task loop;
    int connections;

    public LocalHttpServer()
    {
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public List<string> Requests { get; } = new();

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>The base URL, ending in '/'.</summary>
    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";

    public string Url(string path) => BaseUrl + path;

    public void Serve(string path, Response response)
    {
        lock (routes) routes["/" + path] = response;
    }

    /// <summary>Serves <paramref name="body"/> at the path a mirror maps <paramref name="canonicalUrl"/> to (<c>/host/path</c>).</summary>
    public void ServeCanonical(string canonicalUrl, byte[] body)
    {
        var uri = new Uri(canonicalUrl);
        Serve(uri.Authority + uri.PathAndQuery, new(200, body));
    }

    async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            // Stopped: possibly before this loop first reached Accept, which then says "not listening".
            catch (Exception e) when (e is OperationCanceledException or SocketException or InvalidOperationException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref connections);
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync() ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                var path = requestLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
                lock (Requests) Requests.Add(path);

                Response response;
                lock (routes) response = routes.TryGetValue(path, out var r) ? r : new Response(404, "not found"u8.ToArray());
                if (response.NoAnswer)
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    return;
                }
                var waitUntil = DateTime.UtcNow.AddSeconds(10);
                while (Count(path) < response.WaitForRequests && DateTime.UtcNow < waitUntil) await Task.Delay(20, stop.Token);

                var header = $"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Error")}\r\nContent-Length: {response.Body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(header), stop.Token);
                var length = response.SendOnly ?? response.Body.Length;
                var chunk = response.Pace?.Bytes ?? length;
                for (int sent = 0; sent < length; sent += chunk)
                {
                    if (sent > 0 && response.Pace is { } pace) await Task.Delay(pace.Every, stop.Token);
                    await stream.WriteAsync(response.Body.AsMemory(sent, Math.Min(chunk, length - sent)), stop.Token);
                    await stream.FlushAsync(stop.Token);
                }
                if (response.SendOnly is not null) client.Client.LingerState = new LingerOption(true, 0); // reset, not a clean close
            }
            // The client gave up, or the server is stopping.
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
        }
    }

    int Count(string path)
    {
        lock (Requests) return Requests.Count(r => r == path);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
