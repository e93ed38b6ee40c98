using System.Buffers.Binary;
using System.Text;

namespace DeepLearningCourse.Infrastructure.Onnx;

/// <summary>
/// Reads the protobuf wire format (varints, fixed 32/64-bit values and length-delimited
/// fields), just enough to walk the handful of ONNX messages the course needs without a
/// code generator or a schema compiler.
/// </summary>
internal ref struct ProtobufReader
{
    readonly ReadOnlySpan<byte> data;
    int position;

    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        position = 0;
    }

    public bool AtEnd => position >= data.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType type)
    {
        if (AtEnd)
        {
            field = 0;
            type = default;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        type = (WireType)(tag & 7);
        if (field == 0) throw Corrupt("a field numbered 0");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw Corrupt("a varint cut short");
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Corrupt("a varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFixedFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position)) throw Corrupt("a length-delimited field longer than its message");
        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads a repeated int64 that may be packed (one length-delimited run) or not.</summary>
    public void ReadInt64s(WireType type, List<long> into)
    {
        if (type == WireType.Varint)
        {
            into.Add(ReadInt64());
            return;
        }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.AtEnd) into.Add(packed.ReadInt64());
    }

    /// <summary>Reads a repeated float that may be packed (one length-delimited run) or not.</summary>
    public void ReadFloats(WireType type, List<float> into)
    {
        if (type == WireType.Fixed32)
        {
            into.Add(ReadFixedFloat());
            return;
        }
        var packed = ReadBytes();
        if (packed.Length % 4 != 0) throw Corrupt("a packed float run whose length is not a multiple of 4");
        for (int i = 0; i < packed.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
    }

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.LengthDelimited: ReadBytes(); break;
            case WireType.Fixed32: Take(4); break;
            default: throw Corrupt($"wire type {(int)type}, which ONNX never uses");
        }
    }

    ReadOnlySpan<byte> Take(int count)
    {
        if (count > data.Length - position) throw Corrupt("a field cut short");
        var span = data.Slice(position, count);
        position += count;
        return span;
    }

    static InvalidDataException Corrupt(string what) => new($"Not a valid protobuf message: found {what}.");
}

internal enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 }
