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

    /// <summary>
    /// Reads and checks a whole IDX file; any inconsistency throws a <see cref="DataFormatException"/> naming it.
    /// The header's dimensions are checked against the file before anything is allocated for the values.
    /// </summary>
    public static Array Read(string path)
    {
        var compressedLength = new FileInfo(path).Length;
        using var stream = OpenValues(path, out var gzipped);
        try
        {
            var start = new byte[4];
            var got = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
            if (got < 4)
                throw new DataFormatException(path, $"truncated: {got} bytes, shorter than an IDX header");
            if (start[0] != 0 || start[1] != 0 || start[2] != UnsignedByte || start[3] is 0 or > 4)
                throw new DataFormatException(path, $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(start):X8}: not an IDX file of unsigned bytes");

            var rank = start[3];
            var header = 4 + 4 * rank;
            var sizes = new byte[4 * rank];
            got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
            if (got < sizes.Length)
                throw new DataFormatException(path, $"truncated: the header needs {header} bytes, the file has {4 + got}");
            var dimensions = new int[rank];
            long expected = 1;
            for (int d = 0; d < rank; d++)
            {
                dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * d));
                if (dimensions[d] <= 0)
                    throw new DataFormatException(path, $"dimension {d} is {dimensions[d]}");
                // Each factor is below 2^31 and the running product is kept below 2^31, so this never overflows.
                expected *= dimensions[d];
                if (expected > System.Array.MaxLength)
                    throw new DataFormatException(path, $"the header's dimensions {string.Join("×", dimensions[..(d + 1)])} multiply past {System.Array.MaxLength:N0} values, more than the reader holds in memory (corrupt header)");
            }
            // Deflate compresses at most about 1032:1, so a file too small to hold the values is refused before allocating them.
            var mostValues = gzipped ? compressedLength * 1032 : compressedLength - header;
            if (expected > mostValues)
                throw new DataFormatException(path, $"truncated: the header promises {expected:N0} values ({string.Join("×", dimensions)}) but the {compressedLength:N0}-byte file cannot hold them");

            var values = new byte[expected];
            var actual = (long)stream.ReadAtLeast(values, values.Length, throwOnEndOfStream: false);
            if (actual < expected)
                throw new DataFormatException(path, $"truncated: the header promises {expected:N0} values ({string.Join("×", dimensions)}) but {actual:N0} follow");
            var extra = CountRemaining(stream);
            if (extra > 0)
                throw new DataFormatException(path, $"{extra:N0} bytes after the {expected:N0} values the header promises");
            if (gzipped) RequireGzipTrailer(path, header + expected);
            return new Array(dimensions, values);
        }
        catch (Exception e) when (gzipped && e is InvalidDataException or EndOfStreamException or IOException && e is not DataFormatException)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip data ({e.Message})");
        }
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

    /// <summary>
    /// A gzip file ends with the CRC-32 and the length of what it holds. .NET's decompressor checks the CRC-32
    /// when it is there, but stops without a word at the end of the data when it is not: a file cut just before or
    /// inside its trailer would load. The trailer's length field must match what was read.
    /// </summary>
    static void RequireGzipTrailer(string path, long length)
    {
        var trailer = new byte[4];
        using (var file = File.OpenRead(path))
        {
            file.Seek(-trailer.Length, SeekOrigin.End);
            file.ReadExactly(trailer);
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != (uint)length)
            throw new DataFormatException(path, "truncated: the gzip trailer (the CRC-32 and length of the data) is missing or cut");
    }

    static Stream OpenValues(string path, out bool gzipped)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        gzipped = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    static long CountRemaining(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long count = 0;
        for (int read; (read = stream.Read(buffer)) > 0;) count += read;
        return count;
    }
}
