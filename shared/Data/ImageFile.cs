using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Decodes a photo file (JPEG, PNG, BMP, GIF, WebP, TGA, TIFF) into a float32 tensor [C,H,W] in [0,1]:
/// the course's "image to tensor" step, done with SixLabors.ImageSharp 2.1.
/// </summary>
public static class ImageFile
{
    /// <summary>
    /// The most pixels a file may declare before it is decoded: 40 megapixels (a 160 MB RGBA buffer).
    /// The header is read first, so a crafted file claiming huge dimensions is refused without allocating.
    /// </summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>
    /// Loads <paramref name="path"/> as [3,H,W] (or [1,H,W] when <paramref name="grayscale"/>). When
    /// <paramref name="maxSide"/> is given, a larger image is shrunk (keeping its aspect ratio) before the
    /// tensor is made, which is far cheaper than resizing the tensor afterwards.
    /// </summary>
    public static Tensor Load(string path, int? maxSide = null, bool grayscale = false, long maxPixels = DefaultMaxPixels)
    {
        var bytes = File.ReadAllBytes(path);
        IImageInfo? info;
        IImageFormat? format;
        try { info = Image.Identify(bytes, out format); }
        catch (NotSupportedException e) { throw Unsupported(path, "an image", e); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException)
        {
            throw new DataFormatException(path, $"cannot be decoded: truncated or corrupt image data ({e.Message})");
        }
        if (info is null || format is null)
            throw new DataFormatException(path, ImageFormatNames.Unsupported(bytes) is { } name
                ? $"unsupported format: a {name} image, which ImageSharp 2.1 cannot decode; convert it to JPEG or PNG"
                : "not an image format ImageSharp recognises");
        if ((long)info.Width * info.Height > maxPixels)
            throw new DataFormatException(path, $"declares {info.Width}×{info.Height} pixels, more than the {maxPixels:N0} this loader decodes");
        if (format is JpegFormat && !EndsItsLastScan(bytes))
            throw new DataFormatException(path, "truncated JPEG: its image data stops before the end-of-image marker (the file was cut short)");

        try
        {
            return grayscale ? Decode<L8>(bytes, maxSide, 1) : Decode<Rgb24>(bytes, maxSide, 3);
        }
        catch (NotSupportedException e) { throw Unsupported(path, $"a {format.Name} image", e); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException)
        {
            throw new DataFormatException(path, $"cannot be decoded: truncated or corrupt image data ({e.Message})");
        }
    }

    /// <summary>A valid file of a kind the decoder lacks (a CMYK TIFF, say): ImageSharp says which in its message.</summary>
    static DataFormatException Unsupported(string path, string what, NotSupportedException e) =>
        new(path, $"unsupported format: {what} of a kind ImageSharp 2.1 cannot decode ({e.Message}); convert it to JPEG or PNG", e);

    /// <summary>
    /// True when an end-of-image marker (FF D9) follows the last start-of-scan marker (FF DA).
    /// </summary>
    /// <remarks>
    /// ImageSharp 2.1 decodes a JPEG cut short without complaint, painting the missing rows black.
    /// Scan data can hold neither marker (an FF there is always followed by 00 or a restart code), so a
    /// complete file has FF D9 after its last FF DA; a thumbnail in the header or a trailer after the
    /// image does not disturb the test.
    /// </remarks>
    static bool EndsItsLastScan(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> startOfScan = [0xFF, 0xDA], endOfImage = [0xFF, 0xD9];
        var scan = bytes.LastIndexOf(startOfScan);
        return scan >= 0 && bytes[scan..].IndexOf(endOfImage) >= 0;
    }

    static Tensor Decode<TPixel>(byte[] file, int? maxSide, int channels) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = Image.Load<TPixel>(file);
        if (maxSide is int side && Math.Max(image.Width, image.Height) > side)
        {
            var scale = (double)side / Math.Max(image.Width, image.Height);
            image.Mutate(x => x.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale))));
        }
        using var scope = NewDisposeScope();
        // Straight into the tensor's memory: a managed copy of every photo's pixels (large-object heap, collected
        // only in rare full collections) made the resident memory of a photo-folder epoch grow from epoch to epoch.
        var hwc = torch.empty([image.Height, image.Width, channels], ScalarType.Byte);
        image.CopyPixelDataTo(hwc.bytes);
        return torch.empty([channels, image.Height, image.Width], ScalarType.Float32).copy_(hwc.permute(2, 0, 1)).div_(255f).MoveToOuterDisposeScope();
    }
}
