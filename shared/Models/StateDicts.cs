using System.Collections;
using DeepLearningCourse.Infrastructure;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// Loads PyTorch weight files (<c>.pth</c>, <c>.pt</c>, <c>.safetensors</c>) into TorchSharp
/// modules key for key, failing with a message that names the first key that does not fit.
/// </summary>
public static class StateDicts
{
    /// <summary>
    /// Reads a PyTorch state dict with TorchSharp.PyBridge and copies it into <paramref name="module"/>.
    /// Every parameter and buffer of the module must be present with the same shape, and the
    /// file may hold nothing the module lacks.
    /// </summary>
    public static void LoadInto(nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"PyTorch weight file {path} does not exist.", path);
        using var scope = NewDisposeScope();
        CopyInto(module, Read(path), path);
    }

    /// <summary>The tensors of a PyTorch state dict file, by key, as PyTorch saved them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        RequireKnownLayout(path);
        try
        {
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                return Safetensors.LoadStateDict(path);
            var result = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry entry in PyTorchUnpickler.UnpickleStateDict(path))
            {
                if (entry.Value is Tensor tensor) result[(string)entry.Key] = tensor;
                else throw new InvalidDataException($"entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "null"}, not a tensor: this is not a plain state dict (a training checkpoint keeps it under a key such as 'state_dict').");
            }
            return result;
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"Cannot read {path} as a PyTorch state dict: {e.Message}", e);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the module's parameters and buffers, after checking
    /// that the keys, shapes and dtypes match exactly. Nothing is copied unless everything fits.
    /// Checkpoints and pretrained weights both load through here.
    /// </summary>
    /// <param name="module">Receives the tensors; its own keys and shapes are the reference.</param>
    /// <param name="source">Tensors by state-dict key; torchvision's older densenet key spelling is accepted.</param>
    /// <param name="sourceName">Names the source in error messages (usually its file).</param>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string sourceName) =>
        StateDictCopy.CopyInto(module, source, sourceName);

    /// <summary>
    /// Refuses a file that is none of the layouts the readers know before a reader guesses at it:
    /// PyBridge would call random bytes "the old PyTorch format", which sends a user the wrong way.
    /// </summary>
    static void RequireKnownLayout(string path)
    {
        var start = new byte[9];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            if (read < start.Length || start[8] != (byte)'{' || BitConverter.ToInt64(start) > new FileInfo(path).Length - 8)
                throw new InvalidDataException($"{path} is not a safetensors file: it does not start with a header length and a JSON header (truncated or corrupt).");
            return;
        }
        // torch.save writes a zip archive since PyTorch 1.6; older files are a pickle (protocol opcode 0x80).
        var isZip = read >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] == 3 && start[3] == 4;
        var isPickle = read >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5;
        if (!isZip && !isPickle)
            throw new InvalidDataException($"{path} is not a PyTorch weight file: it is neither the zip archive torch.save writes nor an older pickle (truncated, corrupt or another format).");
    }
}
