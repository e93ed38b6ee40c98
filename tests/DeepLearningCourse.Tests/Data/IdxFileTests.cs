using System.IO.Compression;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tests.Data;

public class IdxFileTests
{
    [Theory]
    [InlineData("a-idx3-ubyte")]
    [InlineData("a-idx3-ubyte.gz")]
    public void Round_trips_raw_and_gzipped(string name)
    {
        using var folder = new TemporaryFolder();
        var values = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 11)).ToArray();
        IdxFile.Write(folder.Combine(name), [2, 3, 4], values);

        var read = IdxFile.Read(folder.Combine(name));

        Assert.Equal([2, 3, 4], read.Dimensions);
        Assert.Equal(values, read.Values);
        Assert.Single(Directory.GetFiles(folder.Path)); // no temporary file left
    }

    [Theory]
    [InlineData("overflow-idx3-ubyte", new[] { 65536, 65536, 65536, 65536 })]   // 2^64 values: once wrapped to 0 and was accepted
    [InlineData("huge-idx3-ubyte.gz", new[] { 1 << 30, 1 << 30, 4 })]
    [InlineData("big-idx3-ubyte", new[] { 60000, 28, 28 })]
    public void Header_dimensions_past_what_the_file_can_hold_are_refused_before_allocating(string name, int[] dimensions)
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine(name);
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = 0x08;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        if (name.EndsWith(".gz"))
        {
            using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            gzip.Write(header);
            gzip.Write(new byte[1000]);
        }
        else File.WriteAllBytes(path, header);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Matches("multiply past|cannot hold", e.Problem);
    }

    [Fact]
    public void Truncated_payload_names_the_file_and_the_shortfall()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("t-idx3-ubyte");
        IdxFile.Write(path, [10, 28, 28], new byte[10 * 784]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("7,840", e.Message);
    }

    [Fact]
    public void Truncated_gzip_is_reported_as_corrupt()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("t-idx3-ubyte.gz");
        IdxFile.Write(path, [50, 28, 28], Enumerable.Range(0, 50 * 784).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Wrong_magic_number_is_refused()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("x-idx1-ubyte");
        File.WriteAllBytes(path, [0x00, 0x00, 0x0D, 0x01, 0, 0, 0, 1, 42]); // 0x0D: float values, not bytes

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains("magic", e.Problem);
    }

    [Fact]
    public void A_gzipped_non_idx_file_is_refused_by_its_magic()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("x.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write("<html>not found</html>"u8);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains("magic", e.Problem);
    }

    [Fact]
    public void Bytes_after_the_promised_values_are_refused()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("l-idx1-ubyte");
        File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains("1 bytes after", e.Problem);
    }

    [Theory]
    [InlineData(8)]   // the whole trailer (CRC-32 and length) missing
    [InlineData(3)]   // cut inside it
    public void A_gzip_file_cut_in_or_before_its_trailer_is_refused(int cut)
    {
        // Before, .NET's decompressor stopped at the end of the data and the file loaded without a word.
        using var folder = new TemporaryFolder();
        var path = folder.Combine("t-idx3-ubyte.gz");
        IdxFile.Write(path, [20, 28, 28], Enumerable.Range(0, 20 * 784).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^cut]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("gzip trailer", e.Problem);
    }
}
