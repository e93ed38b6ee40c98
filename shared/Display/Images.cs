using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Display;

/// <summary>Tensors as pictures: one image (the course's <c>imshow</c>) or a labelled grid of a batch.</summary>
public static class Images
{
    /// <summary>Images smaller than this (MNIST's 28 px) are enlarged without smoothing so their pixels stay visible.</summary>
    const int MinimumSide = 140;

    /// <summary>
    /// Renders one image: [H,W] or [1,H,W] as grayscale, [3,H,W] as colour. Pass the <paramref name="mean"/>
    /// and <paramref name="std"/> a Normalize transform used to undo it; values are then clipped to [0,1].
    /// </summary>
    public static PngImage Show(Tensor image, double[]? mean = null, double[]? std = null)
    {
        using var bitmap = ToBitmap(image, mean, std);
        using var scaled = Enlarge(bitmap);
        return Encode(scaled);
    }

    /// <summary>
    /// Renders a batch [N,C,H,W] (or [N,H,W]) as a grid with an optional title under each image,
    /// e.g. the class name, or "pred (true)" when showing predictions.
    /// </summary>
    public static PngImage Grid(Tensor batch, IReadOnlyList<string>? titles = null, int columns = 8,
        double[]? mean = null, double[]? std = null)
    {
        var count = (int)batch.shape[0];
        if (titles is not null && titles.Count != count)
            throw new ArgumentException($"{count} images but {titles.Count} titles.", nameof(titles));
        columns = Math.Max(1, Math.Min(columns, count));
        var rows = (count + columns - 1) / columns;

        var tiles = new List<SKBitmap>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                using var one = batch[i];
                using var bitmap = ToBitmap(one, mean, std);
                tiles.Add(Enlarge(bitmap, minimumSide: 96));
            }
            int cellW = tiles.Max(t => t.Width), cellH = tiles.Max(t => t.Height);
            const int pad = 6;
            int titleH = titles is null ? 0 : 18;
            using var canvasBitmap = new SKBitmap(columns * (cellW + pad) + pad, rows * (cellH + titleH + pad) + pad);
            using var canvas = new SKCanvas(canvasBitmap);
            canvas.Clear(SKColors.White);
            using var font = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true, TextAlign = SKTextAlign.Center, Typeface = SKTypeface.FromFamilyName("DejaVu Sans") };
            for (int i = 0; i < count; i++)
            {
                int x = pad + (i % columns) * (cellW + pad), y = pad + (i / columns) * (cellH + titleH + pad);
                canvas.DrawBitmap(tiles[i], x, y);
                if (titles is not null)
                    canvas.DrawText(titles[i], x + cellW / 2f, y + cellH + 14, font);
            }
            return Encode(canvasBitmap);
        }
        finally
        {
            foreach (var tile in tiles) tile.Dispose();
        }
    }

    /// <summary>Converts one image tensor to an RGBA bitmap (values in [0,1] after un-normalising).</summary>
    internal static SKBitmap ToBitmap(Tensor image, double[]? mean = null, double[]? std = null)
    {
        using var scope = NewDisposeScope();
        var chw = image.dim() switch
        {
            2 => image.unsqueeze(0),
            3 => image,
            _ => throw new ArgumentException($"Expected an image of shape [H,W] or [C,H,W], got [{string.Join(",", image.shape)}].", nameof(image)),
        };
        var channels = (int)chw.shape[0];
        if (channels != 1 && channels != 3)
            throw new ArgumentException($"Expected 1 or 3 channels, got {channels}.", nameof(image));
        chw = chw.detach().to(CPU).to_type(ScalarType.Float32);
        if (mean is not null && std is not null)
        {
            var m = tensor(mean.Select(v => (float)v).ToArray()).reshape(-1, 1, 1);
            var s = tensor(std.Select(v => (float)v).ToArray()).reshape(-1, 1, 1);
            chw = chw * s + m;
        }
        if (channels == 1) chw = chw.expand(3, -1, -1);
        var bytes = (chw.clamp(0, 1) * 255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();

        int h = (int)chw.shape[1], w = (int)chw.shape[2];
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[w * h * 4];
        for (int p = 0, q = 0; p < bytes.Length; p += 3, q += 4)
        {
            pixels[q] = bytes[p];
            pixels[q + 1] = bytes[p + 1];
            pixels[q + 2] = bytes[p + 2];
            pixels[q + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    static SKBitmap Enlarge(SKBitmap bitmap, int minimumSide = MinimumSide)
    {
        var factor = Math.Max(1, (int)Math.Ceiling((double)minimumSide / Math.Min(bitmap.Width, bitmap.Height)));
        return bitmap.Resize(new SKImageInfo(bitmap.Width * factor, bitmap.Height * factor), SKFilterQuality.None);
    }

    internal static PngImage Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new PngImage(data.ToArray(), bitmap.Width, bitmap.Height);
    }

    /// <summary>Places pictures side by side on a white background (e.g. an image and its chart).</summary>
    internal static PngImage Beside(params PngImage[] parts)
    {
        var bitmaps = parts.Select(p => SKBitmap.Decode(p.Bytes)).ToList();
        try
        {
            using var result = new SKBitmap(bitmaps.Sum(b => b.Width), bitmaps.Max(b => b.Height));
            using var canvas = new SKCanvas(result);
            canvas.Clear(SKColors.White);
            int x = 0;
            foreach (var b in bitmaps)
            {
                canvas.DrawBitmap(b, x, (result.Height - b.Height) / 2f);
                x += b.Width;
            }
            return Encode(result);
        }
        finally
        {
            foreach (var b in bitmaps) b.Dispose();
        }
    }
}
