using System.Runtime.InteropServices;

namespace DeepLearningCourse.Infrastructure.Onnx;

/// <summary>
/// The parts of an ONNX model the course reads: its nodes in order, its initialisers
/// (weights) and the declared inputs and outputs. Only float and int64 tensors are kept,
/// which is all an image network's weights use.
/// </summary>
internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = [];
    public Dictionary<string, OnnxTensor> Initializers { get; } = [];
    public List<OnnxValue> Inputs { get; } = [];
    public List<OnnxValue> Outputs { get; } = [];
    public long OpsetVersion { get; private set; }

    /// <summary>The graph's real inputs: declared inputs that are not weights (old exporters list both).</summary>
    public IEnumerable<OnnxValue> DataInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name));

    public static OnnxGraph Read(string path) => Parse(File.ReadAllBytes(path));

    public static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var result = new OnnxGraph();
        var reader = new ProtobufReader(model);
        var sawGraph = false;
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field)
            {
                case 7 when type == WireType.LengthDelimited:
                    result.ReadGraph(reader.ReadBytes());
                    sawGraph = true;
                    break;
                case 8 when type == WireType.LengthDelimited:
                    result.OpsetVersion = Math.Max(result.OpsetVersion, ReadOpsetVersion(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
        if (!sawGraph) throw new InvalidDataException("Not an ONNX model: it has no graph.");
        return result;
    }

    void ReadGraph(ReadOnlySpan<byte> graph)
    {
        var reader = new ProtobufReader(graph);
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == WireType.LengthDelimited: Nodes.Add(OnnxNode.Parse(reader.ReadBytes())); break;
                case 5 when type == WireType.LengthDelimited:
                    var tensor = OnnxTensor.Parse(reader.ReadBytes());
                    Initializers[tensor.Name] = tensor;
                    break;
                case 11 when type == WireType.LengthDelimited: Inputs.Add(OnnxValue.Parse(reader.ReadBytes())); break;
                case 12 when type == WireType.LengthDelimited: Outputs.Add(OnnxValue.Parse(reader.ReadBytes())); break;
                default: reader.Skip(type); break;
            }
        }
    }

    static long ReadOpsetVersion(ReadOnlySpan<byte> opset)
    {
        var reader = new ProtobufReader(opset);
        long version = 0;
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 2 && type == WireType.Varint) version = reader.ReadInt64();
            else reader.Skip(type);
        }
        return version;
    }
}

/// <summary>One operator: its type, the value names it reads and writes, and its attributes.</summary>
internal sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    public static OnnxNode Parse(ReadOnlySpan<byte> node)
    {
        var reader = new ProtobufReader(node);
        string name = "", opType = "";
        List<string> inputs = [], outputs = [];
        var attributes = new Dictionary<string, OnnxAttribute>();
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == WireType.LengthDelimited: inputs.Add(reader.ReadString()); break;
                case 2 when type == WireType.LengthDelimited: outputs.Add(reader.ReadString()); break;
                case 3 when type == WireType.LengthDelimited: name = reader.ReadString(); break;
                case 4 when type == WireType.LengthDelimited: opType = reader.ReadString(); break;
                case 5 when type == WireType.LengthDelimited:
                    var attribute = OnnxAttribute.Parse(reader.ReadBytes());
                    attributes[attribute.Name] = attribute;
                    break;
                default: reader.Skip(type); break;
            }
        }
        return new OnnxNode(name, opType, inputs, outputs, attributes);
    }

    public long Int(string attribute, long fallback) => Attributes.TryGetValue(attribute, out var a) ? a.Int : fallback;
    public float Float(string attribute, float fallback) => Attributes.TryGetValue(attribute, out var a) ? a.Float : fallback;
    public IReadOnlyList<long> Ints(string attribute) => Attributes.TryGetValue(attribute, out var a) ? a.Ints : [];
    public string? String(string attribute) => Attributes.TryGetValue(attribute, out var a) ? a.String : null;
}

/// <summary>A node attribute; ONNX stores each kind in its own field, so unused ones stay empty.</summary>
internal sealed record OnnxAttribute(string Name, long Int, float Float, string? String, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats, OnnxTensor? Tensor)
{
    public static OnnxAttribute Parse(ReadOnlySpan<byte> attribute)
    {
        var reader = new ProtobufReader(attribute);
        string name = "";
        long integer = 0;
        float single = 0;
        string? text = null;
        OnnxTensor? tensor = null;
        List<long> ints = [];
        List<float> floats = [];
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field)
            {
                case 1 when type == WireType.LengthDelimited: name = reader.ReadString(); break;
                case 2 when type == WireType.Fixed32: single = reader.ReadFixedFloat(); break;
                case 3 when type == WireType.Varint: integer = reader.ReadInt64(); break;
                case 4 when type == WireType.LengthDelimited: text = reader.ReadString(); break;
                case 5 when type == WireType.LengthDelimited: tensor = OnnxTensor.Parse(reader.ReadBytes()); break;
                case 7: reader.ReadFloats(type, floats); break;
                case 8: reader.ReadInt64s(type, ints); break;
                default: reader.Skip(type); break;
            }
        }
        return new OnnxAttribute(name, integer, single, text, ints, floats, tensor);
    }
}

/// <summary>A float or int64 tensor, with its data copied out of the file.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[] Floats, long[] Int64s)
{
    public const int FloatType = 1;
    public const int Int64Type = 7;

    public static OnnxTensor Parse(ReadOnlySpan<byte> tensor)
    {
        var reader = new ProtobufReader(tensor);
        string name = "";
        int dataType = 0;
        List<long> dims = [], int64s = [];
        List<float> floats = [];
        byte[]? raw = null;
        while (reader.TryReadTag(out var field, out var type))
        {
            switch (field)
            {
                case 1: reader.ReadInt64s(type, dims); break;
                case 2 when type == WireType.Varint: dataType = (int)reader.ReadInt64(); break;
                case 4: reader.ReadFloats(type, floats); break;
                case 7: reader.ReadInt64s(type, int64s); break;
                case 8 when type == WireType.LengthDelimited: name = reader.ReadString(); break;
                case 9 when type == WireType.LengthDelimited: raw = reader.ReadBytes().ToArray(); break;
                default: reader.Skip(type); break;
            }
        }

        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (raw is not null)
        {
            // raw_data is little-endian, as is every platform TorchSharp runs on.
            switch (dataType)
            {
                case FloatType: floats = [.. MemoryMarshal.Cast<byte, float>(raw)]; break;
                case Int64Type: int64s = [.. MemoryMarshal.Cast<byte, long>(raw)]; break;
                default: throw new InvalidDataException($"ONNX tensor '{name}' has data type {dataType}; only float (1) and int64 (7) are supported.");
            }
        }
        var stored = dataType == Int64Type ? int64s.Count : floats.Count;
        if (stored != count)
            throw new InvalidDataException($"ONNX tensor '{name}' declares shape [{string.Join(", ", dims)}] ({count} values) but holds {stored}.");
        return new OnnxTensor(name, [.. dims], dataType, [.. floats], [.. int64s]);
    }
}

/// <summary>A declared graph input or output: its name and shape (-1 where the shape is symbolic).</summary>
internal sealed record OnnxValue(string Name, IReadOnlyList<long> Shape)
{
    public static OnnxValue Parse(ReadOnlySpan<byte> valueInfo)
    {
        var reader = new ProtobufReader(valueInfo);
        string name = "";
        List<long> shape = [];
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == 1 && type == WireType.LengthDelimited) name = reader.ReadString();
            else if (field == 2 && type == WireType.LengthDelimited) ReadTensorShape(reader.ReadBytes(), shape);
            else reader.Skip(type);
        }
        return new OnnxValue(name, shape);
    }

    // TypeProto.tensor_type (1) → TypeProto.Tensor.shape (2) → TensorShapeProto.dim (1) → dim_value (1).
    static void ReadTensorShape(ReadOnlySpan<byte> typeProto, List<long> shape)
    {
        foreach (var tensorType in Fields(typeProto, 1))
        foreach (var shapeProto in Fields(tensorType, 2))
        foreach (var dim in Fields(shapeProto, 1))
        {
            var reader = new ProtobufReader(dim);
            long value = -1;
            while (reader.TryReadTag(out var field, out var type))
            {
                if (field == 1 && type == WireType.Varint) value = reader.ReadInt64();
                else reader.Skip(type);
            }
            shape.Add(value);
        }
    }

    static List<byte[]> Fields(ReadOnlySpan<byte> message, int wanted)
    {
        var found = new List<byte[]>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var type))
        {
            if (field == wanted && type == WireType.LengthDelimited) found.Add(reader.ReadBytes().ToArray());
            else reader.Skip(type);
        }
        return found;
    }
}
