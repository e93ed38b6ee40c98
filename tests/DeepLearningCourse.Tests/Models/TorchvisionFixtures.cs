using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using DeepLearningCourse.Models;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// Weight files in torchvision's format, written by PyTorch itself (Debian's python3-torch, which CI installs):
/// <c>torch.save</c> of a state dict with a network's exact keys and shapes, random weights, batch-norm
/// statistics of a fresh layer. Made once per test run.
/// </summary>
static class TorchvisionFixtures
{
    static readonly Lazy<(string Path, string Sha256)> densenet121 = new(() => Write("densenet121", new DenseNet121()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A densenet121 weight file as torch.save writes one, and its SHA-256.</summary>
    public static (string Path, string Sha256) DenseNet121 => densenet121.Value;

    static (string, string) Write(string name, TorchSharp.torch.nn.Module network)
    {
        var folder = Directory.CreateTempSubdirectory("torchvision-fixture-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var layout = Path.Combine(folder, "layout.json");
        File.WriteAllText(layout, JsonSerializer.Serialize(network.state_dict().Select(kv => new object[] { kv.Key, kv.Value.shape }).ToArray()));
        network.Dispose();
        var path = Path.Combine(folder, name + ".pth");
        // The same script writes the end-to-end check's weight file (tools/LoopbackInternet).
        var script = Path.Combine(RepositoryFolder.Root, "tools", "LoopbackInternet", "torch-save-state-dict.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, layout, path]) { RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3 could not write a torchvision-format file (CI installs python3-torch): {errors}");
        using var stream = File.OpenRead(path);
        return (path, Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant());
    }
}
