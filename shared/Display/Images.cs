using DeepLearningCourse.Data;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Display;

/// <summary>
/// Tensors as pictures: one image (the course's <c>imshow</c>) or a labelled grid of a batch (torchvision's
/// <c>make_grid</c> with titles). Pictures fit a notebook's width: small images are enlarged so their
/// pixels show, large ones scaled down, and photographs are stored with a 256-colour palette so a
/// grid of them stays a few hundred kilobytes at most (bench/DisplayBench).
/// </summary>
public static class Images
{
    /// <summary>Images smaller than this (MNIST's 28 px) are enlarged without smoothing so their pixels stay visible.</summary>
    const int MinimumSide = 140;

    /// <summary>The widest picture a notebook shows without scaling it down itself.</summary>
    internal const int MaximumWidth = 960;

    /// <summary>A single picture taller than this is scaled down, so it fits a screen.</summary>
    internal const int MaximumHeight = 640;

    /// <summary>
    /// Renders one image: [H,W] or [1,H,W] as grayscale, [3,H,W] as colour, with values in [0,1]
    /// (clipped). Give the <paramref name="normalize"/> transform the image went through to show it as it was.
    /// With <paramref name="stretch"/> the image's lowest value is drawn black and its highest white, as
    /// matplotlib's <c>imshow</c> draws a single-channel array: for filter outputs and activations, whose
    /// values can lie anywhere.
    /// </summary>
    public static PngImage Show(Tensor image, IInvertibleTransform? normalize = null, bool stretch = false)
    {
        using var bitmap = ToBitmap(image, normalize, stretch);
        using var enlarged = Enlarge(bitmap, MinimumSide);
        var factor = Math.Min(1.0, Math.Min((double)MaximumWidth / enlarged.Width, (double)MaximumHeight / enlarged.Height));
        using var fitted = Scale(enlarged, factor);
        return Encode(fitted);
    }

    /// <summary>
    /// Renders a batch [N,C,H,W] (or [N,H,W]) as a grid with an optional title under each image,
    /// e.g. the class name, or "pred (true)" when showing predictions; a title may hold several lines
    /// ("pred\n(true)"). Small images are enlarged until their titles fit under them, as far as a row
    /// of <paramref name="columns"/> allows; longer titles end in an ellipsis. Give the <paramref name="normalize"/>
    /// transform the images went through to show them as they were. With <paramref name="stretch"/> each
    /// image is stretched on its own from its lowest value (black) to its highest (white), as in <see cref="Show"/>.
    /// </summary>
    public static PngImage Grid(Tensor batch, IReadOnlyList<string>? titles = null, int columns = 8,
        IInvertibleTransform? normalize = null, bool stretch = false)
    {
        var count = (int)batch.shape[0];
        if (titles is not null && titles.Count != count)
            throw new ArgumentException($"{count} images but {titles.Count} titles.", nameof(titles));
        columns = Math.Max(1, Math.Min(columns, count));
        var rows = (count + columns - 1) / columns;
        const int pad = 6, lineHeight = 16;
        var cellLimit = (MaximumWidth - pad) / columns - pad;
        using var font = new SKPaint { Color = SKColors.Black, TextSize = 13, IsAntialias = true, TextAlign = SKTextAlign.Center, Typeface = SKTypeface.FromFamilyName("DejaVu Sans") };
        var titleLines = titles?.Select(t => t.Split('\n')).ToList();
        var widestLine = titleLines?.SelectMany(lines => lines).Max(line => font.MeasureText(line)) ?? 0;
        var minimumSide = (int)Math.Max(96, Math.Min(Math.Ceiling(widestLine), cellLimit));

        var tiles = new List<SKBitmap>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                using var one = batch[i];
                using var bitmap = ToBitmap(one, normalize, stretch);
                tiles.Add(Enlarge(bitmap, minimumSide));
            }
            // Every tile shrinks by the same factor, so images keep their relative sizes.
            var widest = tiles.Max(t => t.Width);
            var factor = Math.Min(1.0, (double)cellLimit / widest);
            if (factor < 1)
            {
                for (int i = 0; i < count; i++)
                {
                    var large = tiles[i];
                    tiles[i] = Scale(large, factor);
                    large.Dispose();
                }
            }
            int cellW = tiles.Max(t => t.Width), cellH = tiles.Max(t => t.Height);
            int titleH = titleLines is null ? 0 : 2 + lineHeight * titleLines.Max(lines => lines.Length);
            using var canvasBitmap = new SKBitmap(columns * (cellW + pad) + pad, rows * (cellH + titleH + pad) + pad);
            using var canvas = new SKCanvas(canvasBitmap);
            canvas.Clear(SKColors.White);
            for (int i = 0; i < count; i++)
            {
                int x = pad + (i % columns) * (cellW + pad), y = pad + (i / columns) * (cellH + titleH + pad);
                canvas.DrawBitmap(tiles[i], x, y);
                for (int line = 0; line < (titleLines?[i].Length ?? 0); line++)
                    canvas.DrawText(Fit(titleLines![i][line], cellW + pad - 2, font), x + cellW / 2f, y + cellH + 14 + line * lineHeight, font);
            }
            return Encode(canvasBitmap);
        }
        finally
        {
            foreach (var tile in tiles) tile.Dispose();
        }
    }

    /// <summary>The title, shortened with an ellipsis when it is wider than <paramref name="width"/>, so titles never run into each other.</summary>
    static string Fit(string title, float width, SKPaint font)
    {
        if (font.MeasureText(title) <= width) return title;
        var length = title.Length;
        while (length > 1 && font.MeasureText(title[..length] + "…") > width) length--;
        return title[..length] + "…";
    }

    /// <summary>
    /// Converts one image tensor to an RGBA bitmap (values in [0,1] after undoing <paramref name="normalize"/>,
    /// or mapped onto [0,1] from the image's own range with <paramref name="stretch"/>; a flat image stays as it is).
    /// </summary>
    internal static SKBitmap ToBitmap(Tensor image, IInvertibleTransform? normalize = null, bool stretch = false)
    {
        using var scope = NewDisposeScope();
        var chw = image.dim() switch
        {
            2 => image.unsqueeze(0),
            3 => image,
            _ => throw new ArgumentException($"Expected an image of shape [H,W] or [C,H,W], got {image.Shape()}.", nameof(image)),
        };
        var channels = (int)chw.shape[0];
        if (channels != 1 && channels != 3)
            throw new ArgumentException($"Expected 1 or 3 channels, got {channels}.", nameof(image));
        chw = chw.detach().to(CPU).to_type(ScalarType.Float32);
        if (normalize is not null) chw = normalize.Inverse(chw);
        if (stretch)
        {
            var (low, high) = (chw.min().item<float>(), chw.max().item<float>());
            if (high > low) chw = (chw - low) / (high - low);
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

    /// <summary>Enlarges by a whole factor, without smoothing, until the shorter side reaches <paramref name="minimumSide"/>.</summary>
    static SKBitmap Enlarge(SKBitmap bitmap, int minimumSide)
    {
        var factor = Math.Max(1, (int)Math.Ceiling((double)minimumSide / Math.Min(bitmap.Width, bitmap.Height)));
        return bitmap.Resize(new SKImageInfo(bitmap.Width * factor, bitmap.Height * factor), SKFilterQuality.None);
    }

    /// <summary>A copy scaled by <paramref name="factor"/> (at most 1), smoothed so that shrinking does not alias.</summary>
    static SKBitmap Scale(SKBitmap bitmap, double factor)
    {
        var width = Math.Max(1, (int)Math.Round(bitmap.Width * factor));
        var height = Math.Max(1, (int)Math.Round(bitmap.Height * factor));
        return bitmap.Resize(new SKImageInfo(width, height), factor < 1 ? SKFilterQuality.High : SKFilterQuality.None);
    }

    /// <summary>
    /// PNG, lossless when the picture has at most 256 colours (digits, charts, flat colours); a
    /// photograph gets a 256-colour palette instead, which a notebook-sized view cannot tell apart
    /// and which makes the file several times smaller.
    /// </summary>
    internal static PngImage Encode(SKBitmap bitmap)
    {
        if (!HasMoreColoursThan(bitmap, 256))
        {
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            return new PngImage(data.ToArray(), bitmap.Width, bitmap.Height);
        }
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        using var photo = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(rgba.GetPixelSpan(), rgba.Width, rgba.Height);
        using var stream = new MemoryStream();
        new PngEncoder
        {
            ColorType = PngColorType.Palette,
            Quantizer = new WuQuantizer(new QuantizerOptions { MaxColors = 256, Dither = null }),
            CompressionLevel = PngCompressionLevel.BestCompression,
        }.Encode(photo, stream);
        return new PngImage(stream.ToArray(), bitmap.Width, bitmap.Height);
    }

    static bool HasMoreColoursThan(SKBitmap bitmap, int limit)
    {
        var colours = new HashSet<uint>();
        foreach (var pixel in bitmap.Pixels)
        {
            if (colours.Add((uint)pixel) && colours.Count > limit) return true;
        }
        return false;
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
