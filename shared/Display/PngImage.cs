namespace DeepLearningCourse.Display;

/// <summary>
/// A rendered picture. Notebooks show it as a real <c>image/png</c> output, which VS Code,
/// GitHub's notebook preview and offline viewers all render without scripts.
/// </summary>
public sealed class PngImage
{
    public PngImage(byte[] bytes, int width, int height)
    {
        Bytes = bytes;
        Width = width;
        Height = height;
    }

    /// <summary>The encoded PNG file.</summary>
    public byte[] Bytes { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>Writes the PNG to <paramref name="path"/>, e.g. to keep a figure next to a report.</summary>
    public void Save(string path) => File.WriteAllBytes(path, Bytes);

    public override string ToString() => $"PNG image {Width}x{Height}";
}
