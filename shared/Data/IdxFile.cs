using DeepLearningCourse.Infrastructure;
using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepLearningCourse.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST: a magic number (two zero bytes, type code 0x08 for
/// unsigned bytes, the number of dimensions), each dimension as a big-endian 32-bit integer, then the
/// values. Files may be gzipped (as downloaded) or raw (as unpacked); the first bytes tell which.
/// </summary>
public static class IdxFile
{
    const byte UnsignedByte = 0x08;

    /// <summary>An IDX array: its dimensions and its values in row-major order.</summary>
    public sealed record Array(int[] Dimensions, byte[] Values)
    {
        /// <summary>The first dimension: the number of images or labels.</summary>
        public int Count => Dimensions[0];
    }

    /// <summary>Reads and checks a whole IDX file; any inconsistency throws a <see cref="DataFormatException"/> naming it.</summary>
    public static Array Read(string path)
    {
        var bytes = ReadAllBytes(path);
        if (bytes.Length < 4)
            throw new DataFormatException(path, $"truncated: {bytes.Length} bytes, shorter than an IDX header");
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UnsignedByte || bytes[3] is 0 or > 4)
            throw new DataFormatException(path, $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}: not an IDX file of unsigned bytes");

        var rank = bytes[3];
        var header = 4 + 4 * rank;
        if (bytes.Length < header)
            throw new DataFormatException(path, $"truncated: the header needs {header} bytes, the file has {bytes.Length}");
        var dimensions = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dimensions[d] <= 0)
                throw new DataFormatException(path, $"dimension {d} is {dimensions[d]}");
            expected *= dimensions[d];
        }
        var actual = bytes.LongLength - header;
        if (actual != expected)
            throw new DataFormatException(path, actual < expected
                ? $"truncated: the header promises {expected:N0} values ({string.Join("×", dimensions)}) but {actual:N0} follow"
                : $"{actual - expected:N0} bytes after the {expected:N0} values the header promises");
        return new Array(dimensions, bytes[header..]);
    }

    /// <summary>
    /// Writes an IDX file of unsigned bytes (gzipped when the name ends in <c>.gz</c>) to a temporary
    /// name and renames it into place, so no reader ever sees half a file.
    /// </summary>
    public static void Write(string path, int[] dimensions, byte[] values)
    {
        long expected = dimensions.Aggregate(1L, (a, d) => a * d);
        if (expected != values.Length)
            throw new ArgumentException($"{values.Length} values do not fill dimensions {string.Join("×", dimensions)}.", nameof(values));

        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            using Stream output = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
            var header = new byte[4 + 4 * dimensions.Length];
            header[2] = UnsignedByte;
            header[3] = (byte)dimensions.Length;
            for (int d = 0; d < dimensions.Length; d++)
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
            output.Write(header);
            output.Write(values);
        });
    }

    static byte[] ReadAllBytes(string path)
    {
        var raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var unpacked = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(unpacked);
            return unpacked.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip data ({e.Message})");
        }
    }
}
