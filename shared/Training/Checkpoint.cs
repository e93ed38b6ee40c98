using DeepLearningCourse.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// One file that holds a model's architecture description and its weights, so the model can be
/// rebuilt from the file alone (the course's <c>save_checkpoint</c> / <c>load_checkpoint</c>).
/// </summary>
/// <remarks>
/// Layout: a magic line, a JSON header (architecture, parameter names and shapes, and the length
/// and SHA-256 of the weights), then the weights in TorchSharp's own format. The header is checked
/// completely before any weight is copied, so a checkpoint from another architecture, or a
/// truncated or corrupted file, fails with a message and leaves the model untouched.
/// Files are written to a temporary name and renamed, so a crash never leaves half a checkpoint.
/// </remarks>
public static class Checkpoint
{
    static readonly byte[] Magic = "DLCOURSE-CHECKPOINT-1\n"u8.ToArray();
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>What a checkpoint file says about itself.</summary>
    public sealed record Header(string Architecture, JsonElement Config, IReadOnlyList<ParameterInfo> Parameters, long WeightsLength, string WeightsSha256);

    /// <summary>A saved tensor's name and shape.</summary>
    public sealed record ParameterInfo(string Name, long[] Shape);

    /// <summary>
    /// Saves <paramref name="model"/> with <paramref name="config"/>, the description that rebuilds it
    /// (for example the sizes of its layers). <paramref name="config"/> must serialise to JSON.
    /// </summary>
    public static void Save<TConfig>(string path, nn.Module model, TConfig config)
    {
        var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true))
            model.save(writer);
        var bytes = weights.ToArray();

        var parameters = model.state_dict().Select(kv => new ParameterInfo(kv.Key, kv.Value.shape)).ToList();
        var header = new Header(typeof(TConfig).Name, JsonSerializer.SerializeToElement(config, Json), parameters,
            bytes.Length, Convert.ToHexString(SHA256.HashData(bytes)));
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.Write(full, temporary =>
        {
            using var writer = new BinaryWriter(File.Create(temporary));
            writer.Write(Magic);
            writer.Write(headerBytes.Length);
            writer.Write(headerBytes);
            writer.Write(bytes);
        });
    }

    /// <summary>Reads a checkpoint's header without loading any weights.</summary>
    public static Header ReadHeader(string path) => Open(path).Header;

    /// <summary>Rebuilds the model from the checkpoint alone: <paramref name="build"/> turns the saved description into a fresh model.</summary>
    public static TModule Load<TConfig, TModule>(string path, Func<TConfig, TModule> build) where TModule : nn.Module
    {
        var (header, weights) = Open(path);
        var description = header.Config.Deserialize<TConfig>(Json)
            ?? throw new InvalidDataException($"{path}: the checkpoint has no architecture description.");
        var model = build(description);
        Fill(path, model, header, weights);
        return model;
    }

    /// <summary>Copies the checkpoint's weights into an existing model, after checking every name and shape.</summary>
    public static void LoadInto(string path, nn.Module model)
    {
        var (header, weights) = Open(path);
        Fill(path, model, header, weights);
    }

    static void Fill(string path, nn.Module model, Header header, byte[] weights)
    {
        var expected = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        foreach (var saved in header.Parameters)
        {
            if (!expected.TryGetValue(saved.Name, out var shape))
                throw new InvalidDataException($"{path} does not fit this model: the checkpoint has parameter '{saved.Name}' {Shape(saved.Shape)}, which the model lacks.");
            if (!shape.SequenceEqual(saved.Shape))
                throw new InvalidDataException($"{path} does not fit this model: parameter '{saved.Name}' is {Shape(saved.Shape)} in the checkpoint but {Shape(shape)} in the model.");
        }
        var missing = expected.Keys.Except(header.Parameters.Select(p => p.Name)).FirstOrDefault();
        if (missing is not null)
            throw new InvalidDataException($"{path} does not fit this model: the model's parameter '{missing}' {Shape(expected[missing])} is not in the checkpoint.");

        using var reader = new BinaryReader(new MemoryStream(weights));
        model.load(reader);
    }

    static (Header Header, byte[] Weights) Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {path}.", path);
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not a course checkpoint (it does not start with the checkpoint marker).");
            var headerLength = reader.ReadInt32();
            if (headerLength <= 0 || headerLength > reader.BaseStream.Length)
                throw new InvalidDataException($"{path} is corrupt: its header length ({headerLength} bytes) is impossible.");
            var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(headerLength), Json)
                ?? throw new InvalidDataException($"{path} has an empty header.");
            var weights = reader.ReadBytes(checked((int)header.WeightsLength));
            if (weights.Length != header.WeightsLength)
                throw new InvalidDataException($"{path} is truncated: it holds {weights.Length} of {header.WeightsLength} bytes of weights.");
            if (Convert.ToHexString(SHA256.HashData(weights)) != header.WeightsSha256)
                throw new InvalidDataException($"{path} is corrupt: the weights do not match the checksum recorded when it was saved.");
            return (header, weights);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path} is truncated or corrupt: {e.Message}", e);
        }
    }

    static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
