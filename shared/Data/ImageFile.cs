using SixLabors.ImageSharp;
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
        IImageInfo? info;
        try { info = Image.Identify(path); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException)
        {
            throw new DataFormatException(path, $"cannot be decoded as an image ({e.Message})");
        }
        if (info is null)
            throw new DataFormatException(path, "not an image format ImageSharp recognises");
        if ((long)info.Width * info.Height > maxPixels)
            throw new DataFormatException(path, $"declares {info.Width}×{info.Height} pixels, more than the {maxPixels:N0} this loader decodes");

        try
        {
            return grayscale ? Decode<L8>(path, maxSide, 1) : Decode<Rgb24>(path, maxSide, 3);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException)
        {
            throw new DataFormatException(path, $"cannot be decoded as an image ({e.Message})");
        }
    }

    static Tensor Decode<TPixel>(string path, int? maxSide, int channels) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = Image.Load<TPixel>(path);
        if (maxSide is int side && Math.Max(image.Width, image.Height) > side)
        {
            var scale = (double)side / Math.Max(image.Width, image.Height);
            image.Mutate(x => x.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale))));
        }
        var bytes = new byte[image.Width * image.Height * channels];
        image.CopyPixelDataTo(bytes);
        using var scope = NewDisposeScope();
        var hwc = torch.tensor(bytes, dtype: ScalarType.Byte).reshape(image.Height, image.Width, channels);
        return hwc.permute(2, 0, 1).to(ScalarType.Float32).div_(255f).contiguous().MoveToOuterDisposeScope();
    }
}
