using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeepLearningCourse.Data;
using DeepLearningCourse.Infrastructure.Native;
using DeepLearningCourse.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

// Usage: LoopbackInternet <folder>
// Generates, in the canonical formats, the files the end-to-end check downloads — the course's anna.txt (a
// generated text), Cat_Dog_data.zip (5,000 + 5,000 train and 500 + 500 test small photos: cats red, dogs blue)
// and torchvision's densenet121 weight file (written by python3-torch) — under <folder>/files/<host>/<path>,
// writes <folder>/pins (their SHA-256 by canonical address, for COURSE_DOWNLOAD_PINS), serves them on
// 127.0.0.1 and writes the base URL to <folder>/url once it listens. Runs until killed.
if (args is not [var folder])
{
    Console.Error.WriteLine("usage: LoopbackInternet <folder>");
    return 2;
}
var files = Path.Combine(folder, "files");
var pins = new StringBuilder();
void Publish(string canonicalUrl, byte[] bytes)
{
    var uri = new Uri(canonicalUrl);
    var path = Path.Combine(files, uri.Authority, uri.AbsolutePath.TrimStart('/'));
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllBytes(path, bytes);
    pins.Append($"{Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()}  {canonicalUrl}\n");
}

Publish(DatasetCatalog.AnnaKarenina.File.Urls[0], Novel());
Publish(DatasetCatalog.CatsAndDogs.Archive.Urls[0], CatDogZip());
Publish(WeightFiles.Torchvision["densenet121"].Urls[0], DenseNet121Weights(folder));
File.WriteAllText(Path.Combine(folder, "pins"), pins.ToString());

var probe = new TcpListener(IPAddress.Loopback, 0);
probe.Start();
var port = ((IPEndPoint)probe.LocalEndpoint).Port;
probe.Stop();
var baseUrl = $"http://127.0.0.1:{port}/";
using var listener = new HttpListener();
listener.Prefixes.Add(baseUrl);
listener.Start();
File.WriteAllText(Path.Combine(folder, "url"), baseUrl);
Console.WriteLine($"LoopbackInternet: serving {files} at {baseUrl}");
while (true)
{
    var context = listener.GetContext();
    var requested = Path.GetFullPath(Path.Combine(files, Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/')));
    using var response = context.Response;
    if (!requested.StartsWith(Path.GetFullPath(files) + Path.DirectorySeparatorChar) || !File.Exists(requested))
    {
        response.StatusCode = 404;
        continue;
    }
    Console.WriteLine($"LoopbackInternet: {context.Request.Url.AbsolutePath}");
    using var file = File.OpenRead(requested);
    response.ContentLength64 = file.Length;
    file.CopyTo(response.OutputStream);
}

// A text with every character the char-RNN lesson primes its samples with, in sentences of common words.
static byte[] Novel()
{
    string[] words = ["the", "and", "then", "she", "said", "he", "was", "to", "her", "of", "in", "that", "it", "had", "with", "his", "not", "at", "for", "as"];
    var random = new Random(7);
    var text = new StringBuilder();
    while (text.Length < 300_000)
    {
        var sentence = string.Join(' ', Enumerable.Range(0, random.Next(4, 14)).Select(_ => words[random.Next(words.Length)]));
        text.Append(char.ToUpperInvariant(sentence[0])).Append(sentence[1..]).Append(random.Next(5) == 0 ? ".\n" : ". ");
    }
    return Encoding.UTF8.GetBytes(text.ToString());
}

// The course's layout under its top folder; every photo of a class is the same small JPEG.
static byte[] CatDogZip()
{
    byte[] Photo(Rgb24 colour)
    {
        using var image = new Image<Rgb24>(40, 30, colour);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
    var photos = new Dictionary<string, byte[]> { ["cat"] = Photo(new Rgb24(200, 60, 40)), ["dog"] = Photo(new Rgb24(40, 60, 200)) };
    using var memory = new MemoryStream();
    using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
    {
        foreach (var (split, count) in new[] { ("train", 5_000), ("test", 500) })
            foreach (var (name, bytes) in photos)
                for (int i = 0; i < count; i++)
                {
                    using var entry = zip.CreateEntry($"Cat_Dog_data/{split}/{name}/{name}.{i}.jpg", CompressionLevel.NoCompression).Open();
                    entry.Write(bytes);
                }
    }
    return memory.ToArray();
}

// torchvision's densenet121 layout, taken from the library's network, saved by PyTorch itself.
static byte[] DenseNet121Weights(string folder)
{
    TorchNative.Load();
    var layout = Path.Combine(folder, "densenet121-layout.json");
    using (var network = new DenseNet121())
        File.WriteAllText(layout, JsonSerializer.Serialize(network.state_dict().Select(kv => new object[] { kv.Key, kv.Value.shape }).ToArray()));
    var path = Path.Combine(folder, "densenet121.pth");
    var script = Path.Combine(AppContext.BaseDirectory, "torch-save-state-dict.py");
    using var python = Process.Start("/usr/bin/python3", [script, layout, path]);
    python.WaitForExit();
    if (python.ExitCode != 0) throw new InvalidOperationException("python3 could not write the weight file (tools/test needs python3-torch, which .ci/run installs).");
    return File.ReadAllBytes(path);
}
