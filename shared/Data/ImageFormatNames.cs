using System.Text;

namespace DeepLearningCourse.Data;

/// <summary>
/// Recognises image formats that ImageSharp 2.1 cannot read by their first bytes, so that such a file is reported as
/// an unsupported format, by name, rather than as a file that is not an image at all.
/// </summary>
static class ImageFormatNames
{
    /// <summary>The format's name when <paramref name="bytes"/> start like a known image format ImageSharp 2.1 lacks; else null.</summary>
    public static string? Unsupported(ReadOnlySpan<byte> bytes)
    {
        // ISO media files (HEIF, AVIF) name their kind in an "ftyp" box right at the start.
        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(bytes[8..12]);
            if (brand is "avif" or "avis") return "AVIF";
            if (brand is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "mif1" or "msf1") return "HEIC/HEIF";
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ']))
            return "JPEG XL";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ']) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51]))
            return "JPEG 2000";
        if (bytes.StartsWith("8BPS"u8)) return "Photoshop (PSD)";
        if (bytes.StartsWith("%PDF"u8)) return "PDF";
        if (bytes.StartsWith("qoif"u8)) return "QOI";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x76, 0x2F, 0x31, 0x01])) return "OpenEXR";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) && bytes.Length >= 6 && bytes[4] + bytes[5] > 0) return "Windows icon (ICO)";
        if (Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 1024)]).Contains("<svg", StringComparison.OrdinalIgnoreCase)) return "SVG";
        return null;
    }
}
