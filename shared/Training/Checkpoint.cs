using DeepLearningCourse.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// A checkpoint is the description that rebuilds the network (<typeparamref name="TConfig"/>, for
/// example the sizes of its layers) plus its state dict (every parameter and buffer by name).
/// </summary>
/// <remarks>
/// File layout: a marker line, a JSON header (the config, then each tensor's name, shape and dtype,
/// the length and SHA-256 of the tensor bytes), then the tensors' raw bytes in header order. Loading
/// checks all of it before making any tensor, and <see cref="LoadInto"/> checks every tensor against
/// the model before copying any, so a failure never leaves a model half overwritten.
/// </remarks>
/// <example>
/// <code>
/// using (var checkpoint = new Checkpoint&lt;NetworkConfig&gt;(config, model.state_dict())) checkpoint.Save("checkpoint.ckpt");
/// using var loaded = Checkpoint&lt;NetworkConfig&gt;.Load("checkpoint.ckpt");
/// var rebuilt = new Network(loaded.Config);
/// loaded.LoadInto(rebuilt);
/// </code>
/// </example>
public sealed class Checkpoint<TConfig> : IDisposable
{
    readonly bool ownsTensors;
    readonly string? file;

    /// <summary>A checkpoint of <paramref name="stateDict"/> (for example <c>model.state_dict()</c>); the tensors stay the caller's.</summary>
    public Checkpoint(TConfig config, IReadOnlyDictionary<string, Tensor> stateDict)
        : this(config, stateDict, ownsTensors: false, file: null) { }

    Checkpoint(TConfig config, IReadOnlyDictionary<string, Tensor> stateDict, bool ownsTensors, string? file)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stateDict);
        Config = config;
        StateDict = stateDict;
        this.ownsTensors = ownsTensors;
        this.file = file;
    }

    /// <summary>The description that rebuilds the network.</summary>
    public TConfig Config { get; }

    /// <summary>Every parameter and buffer by name, in the model's order.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict { get; }

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> whole or not at all (temporary file, then
    /// rename). The config must serialise to JSON.
    /// </summary>
    public void Save(string path)
    {
        var tensors = StateDict.Select(kv => (Name: kv.Key, Cpu: kv.Value.detach().cpu().contiguous())).ToList();
        try
        {
            var data = new MemoryStream();
            foreach (var (_, cpu) in tensors) data.Write(cpu.bytes);
            var bytes = data.ToArray();
            var header = new CheckpointFile.Header(typeof(TConfig).Name, JsonSerializer.SerializeToElement(Config),
                tensors.Select(t => new CheckpointFile.TensorInfo(t.Name, t.Cpu.shape, t.Cpu.dtype.ToString())).ToList(),
                bytes.LongLength, Convert.ToHexString(SHA256.HashData(bytes)));
            CheckpointFile.Write(path, header, bytes);
        }
        finally
        {
            foreach (var (name, cpu) in tensors)
                if (!ReferenceEquals(cpu, StateDict[name])) cpu.Dispose();
        }
    }

    /// <summary>
    /// Reads a checkpoint, verifying its marker, header, checksum and config before it makes any tensor.
    /// Every error is an <see cref="InvalidDataException"/> that names the file and what is wrong with it.
    /// </summary>
    public static Checkpoint<TConfig> Load(string path)
    {
        var (header, data) = CheckpointFile.Read(path);
        if (header.ConfigType != typeof(TConfig).Name)
            throw new InvalidDataException($"{path}: the checkpoint's config is a {header.ConfigType}, not a {typeof(TConfig).Name}.");
        // Reading JSON fills a field it does not find with zero (or null) and skips one it does not know, so a
        // config class whose fields were renamed since the save would read as a config of zeros.
        var mismatch = new List<string>();
        CompareFields(header.Config, typeof(TConfig), "", mismatch);
        if (mismatch.Count > 0)
            throw new InvalidDataException($"{path}: the checkpoint's config does not have the fields of {typeof(TConfig).Name}: {string.Join("; ", mismatch)}. " +
                $"The class was changed since the checkpoint was saved: load it with the {typeof(TConfig).Name} it was saved with, or save the checkpoint again.");
        TConfig? config;
        try { config = header.Config.Deserialize<TConfig>(); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: the checkpoint's config cannot be read as a {typeof(TConfig).Name} ({e.Message}).", e);
        }
        if (config is null)
            throw new InvalidDataException($"{path}: the checkpoint's config is empty.");

        var stateDict = new Dictionary<string, Tensor>();
        long offset = 0;
        foreach (var info in header.Tensors)
        {
            var tensor = empty(info.Shape, CheckpointFile.ScalarTypeOf(info));
            var length = CheckpointFile.ByteLength(info);
            tensor.bytes = data.AsSpan((int)offset, (int)length);
            offset += length;
            stateDict[info.Name] = tensor;
        }
        return new Checkpoint<TConfig>(config, stateDict, ownsTensors: true, file: path);
    }

    /// <summary>
    /// Adds to <paramref name="mismatch"/> the fields that <paramref name="stored"/> has and <paramref name="type"/> lacks, and
    /// those it lacks, for the config and every object inside it (<paramref name="prefix"/> names where in the config).
    /// </summary>
    static void CompareFields(JsonElement stored, Type type, string prefix, List<string> mismatch)
    {
        var info = JsonSerializerOptions.Default.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object || stored.ValueKind != JsonValueKind.Object) return;
        var expected = info.Properties.ToDictionary(p => p.Name, p => p.PropertyType);
        var found = stored.EnumerateObject().ToList();
        var unknown = found.Select(p => p.Name).Where(name => !expected.ContainsKey(name)).ToList();
        var missing = expected.Keys.Where(name => found.All(p => p.Name != name)).ToList();
        var where = prefix.Length == 0 ? "" : $" in {prefix.TrimEnd('.')}";
        if (unknown.Count > 0) mismatch.Add($"it has {Names(unknown)}{where}, which {type.Name} lacks");
        if (missing.Count > 0) mismatch.Add($"it lacks {Names(missing)}{where}, which {type.Name} needs");
        foreach (var property in found.Where(p => expected.ContainsKey(p.Name)))
            CompareFields(property.Value, expected[property.Name], prefix + property.Name + ".", mismatch);
    }

    static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(name => $"'{name}'"));

    /// <summary>
    /// Copies the state dict into <paramref name="model"/> after checking every name, shape and dtype
    /// against the model; if anything does not fit, nothing is copied and the error names the file (when
    /// this checkpoint came from one) and the parameter.
    /// </summary>
    public void LoadInto(nn.Module model) => StateDictCopy.CopyInto(model, StateDict, file ?? "the checkpoint");

    /// <summary>The config as JSON, then one line per tensor: its name, shape and dtype.</summary>
    public override string ToString() =>
        // JSON shows array-valued settings (the hidden layer sizes) where a record's ToString prints "System.Int32[]".
        new StringBuilder().AppendLine($"{typeof(TConfig).Name} {JsonSerializer.Serialize(Config)}")
            .AppendJoin(Environment.NewLine, StateDict.Select(kv => $"{kv.Key} {StateDictCopy.Describe(kv.Value)}"))
            .ToString();

    /// <summary>Disposes the tensors this checkpoint loaded from a file; tensors it was given stay the caller's.</summary>
    public void Dispose()
    {
        if (!ownsTensors) return;
        foreach (var tensor in StateDict.Values) tensor.Dispose();
    }
}

/// <summary>The checkpoint file format, independent of the config type: writing, and reading with every check.</summary>
static class CheckpointFile
{
    static readonly byte[] Magic = "DLCOURSE-CHECKPOINT-2\n"u8.ToArray();
    static readonly byte[] FamilyPrefix = "DLCOURSE-CHECKPOINT-"u8.ToArray();

    public sealed record Header(string ConfigType, JsonElement Config, IReadOnlyList<TensorInfo> Tensors, long DataLength, string DataSha256);

    public sealed record TensorInfo(string Name, long[] Shape, string DType);

    public static void Write(string path, Header header, byte[] data)
    {
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.Write(full, temporary =>
        {
            using var writer = new BinaryWriter(File.Create(temporary));
            writer.Write(Magic);
            writer.Write(headerBytes.Length);
            writer.Write(headerBytes);
            writer.Write(data);
        });
    }

    public static (Header Header, byte[] Data) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {path}.", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: the checkpoint cannot be read ({e.Message}).", e);
        }

        if (!bytes.AsSpan().StartsWith(Magic))
            throw new InvalidDataException(bytes.AsSpan().StartsWith(FamilyPrefix)
                ? $"{path} is a checkpoint from an older version of the course library; save it again with this one."
                : $"{path} is not a course checkpoint (it does not start with the checkpoint marker).");
        var rest = bytes.AsSpan(Magic.Length);
        if (rest.Length < 4)
            throw new InvalidDataException($"{path} is truncated: it ends before its header.");
        var headerLength = BitConverter.ToInt32(rest);
        if (headerLength <= 0 || headerLength > rest.Length - 4)
            throw new InvalidDataException($"{path} is truncated or corrupt: its header claims {headerLength:N0} bytes and {rest.Length - 4:N0} follow.");

        Header? header;
        try { header = JsonSerializer.Deserialize<Header>(rest.Slice(4, headerLength)); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint's header is not valid JSON ({e.Message}).", e);
        }
        if (header is null || header.ConfigType is null || header.Tensors is null || header.DataSha256 is null || header.Config.ValueKind == JsonValueKind.Undefined)
            throw new InvalidDataException($"{path}: the checkpoint's header lacks its config, its tensor list or its checksum.");

        long expected = 0;
        var names = new HashSet<string>();
        foreach (var info in header.Tensors)
        {
            if (info?.Name is null || info.Shape is null || info.DType is null)
                throw new InvalidDataException($"{path}: a tensor in the checkpoint's header lacks its name, shape or dtype.");
            if (!names.Add(info.Name))
                throw new InvalidDataException($"{path}: the checkpoint's header lists '{info.Name}' twice.");
            if (info.Shape.Any(d => d < 0))
                throw new InvalidDataException($"{path}: '{info.Name}' has the impossible shape {StateDictCopy.Shape(info.Shape)}.");
            ScalarTypeOf(info, path);
            try { expected = checked(expected + ByteLength(info)); }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{path}: '{info.Name}' has shape {StateDictCopy.Shape(info.Shape)}, more than any file can hold.");
            }
        }

        var data = rest[(4 + headerLength)..];
        if (header.DataLength != expected)
            throw new InvalidDataException($"{path} is corrupt: its header promises {header.DataLength:N0} bytes of tensors, but the shapes it lists need {expected:N0}.");
        if (data.Length != expected)
            throw new InvalidDataException(data.Length < expected
                ? $"{path} is truncated: it holds {data.Length:N0} of {expected:N0} bytes of tensors."
                : $"{path} is corrupt: {data.Length - expected:N0} bytes follow the tensors.");
        if (!string.Equals(Convert.ToHexString(SHA256.HashData(data)), header.DataSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path} is corrupt: its tensors do not match the checksum recorded when it was saved.");
        return (header, data.ToArray());
    }

    public static ScalarType ScalarTypeOf(TensorInfo info, string? path = null) =>
        Enum.TryParse<ScalarType>(info.DType, out var type) && Enum.IsDefined(type) && ElementSize(type) > 0
            ? type
            : throw new InvalidDataException($"{path ?? "the checkpoint"}: '{info.Name}' has the unknown dtype '{info.DType}'.");

    public static long ByteLength(TensorInfo info) =>
        checked(info.Shape.Aggregate(1L, (product, d) => product * d) * ElementSize(ScalarTypeOf(info)));

    static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => 0,
    };
}
