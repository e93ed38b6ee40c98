using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DeepLearningCourse.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for the download tests. Each path serves fixed bytes, and may
/// promise more bytes than it sends and then drop the connection, as a failing network does.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    public sealed record Response(int Status, byte[] Body, int? SendOnly = null);

    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, Response> routes = new();
    readonly CancellationTokenSource stop = new();
    readonly Task loop;

    public LocalHttpServer()
    {
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public List<string> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/{path}";

    public void Serve(string path, Response response) => routes["/" + path] = response;

    async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            // Stopped: possibly before this loop first reached Accept, which then says "not listening".
            catch (Exception e) when (e is OperationCanceledException or SocketException or InvalidOperationException or ObjectDisposedException) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? "";
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
            var path = requestLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
            lock (Requests) Requests.Add(path);

            var response = routes.TryGetValue(path, out var r) ? r : new Response(404, "not found"u8.ToArray());
            var header = $"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Error")}\r\nContent-Length: {response.Body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header));
            await stream.WriteAsync(response.Body.AsMemory(0, response.SendOnly ?? response.Body.Length));
            await stream.FlushAsync();
            if (response.SendOnly is not null) client.Client.LingerState = new LingerOption(true, 0); // reset, not a clean close
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
