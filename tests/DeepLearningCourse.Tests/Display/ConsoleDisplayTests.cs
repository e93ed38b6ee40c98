using DeepLearningCourse.Display;
using SkiaSharp;
using TorchSharp;

namespace DeepLearningCourse.Tests.Display;

/// <summary>An app shows what a notebook would: text on the console, pictures as PNG files whose paths it prints.</summary>
public sealed class ConsoleDisplayTests
{
    public ConsoleDisplayTests()
    {
        TorchFixture.Ensure();
        NotebookFormatters.Register();
    }

    static PngImage Picture(int width)
    {
        using var bitmap = new SKBitmap(width, 10);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new PngImage(data.ToArray(), width, 10);
    }

    [Fact]
    public void Pictures_are_numbered_png_files_in_the_lesson_s_folder_and_a_new_run_clears_the_last_one_s()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"console-display-{Guid.NewGuid():N}", "Part 4 - Fashion-MNIST");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "figure-07.png"), "from the last run");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "the learner's");
            var pictures = new Lazy<PictureFolder>(() => new PictureFolder(folder));

            var first = ConsoleDisplay.Describe(Picture(20), pictures);
            var second = ConsoleDisplay.Describe(Picture(30), pictures);

            Assert.Equal($"Picture: {Path.Combine(folder, "figure-01.png")} (20×10)", first);
            Assert.Equal($"Picture: {Path.Combine(folder, "figure-02.png")} (30×10)", second);
            Assert.Equal(["figure-01.png", "figure-02.png", "notes.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(30, SKBitmap.Decode(Path.Combine(folder, "figure-02.png")).Width);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public void Other_values_print_as_a_notebook_shows_them()
    {
        var pictures = new Lazy<PictureFolder>(() => throw new InvalidOperationException("no picture here"));
        using var tensor = torch.tensor(new float[] { 1, 2 });

        Assert.Equal(NotebookFormatters.Describe(tensor), ConsoleDisplay.Describe(tensor, pictures));
        Assert.Equal("Skipped: not done", ConsoleDisplay.Describe("Skipped: not done", pictures));
        Assert.Equal("<null>", ConsoleDisplay.Describe(null, pictures));
    }

    [Theory]
    [InlineData(new[] { "app", "--open" }, null, true)]
    [InlineData(new[] { "app" }, "1", true)]
    [InlineData(new[] { "app" }, "true", true)]
    [InlineData(new[] { "app" }, "0", false)]
    [InlineData(new[] { "app", "--opening" }, null, false)]
    public void Pictures_open_in_a_viewer_when_the_app_is_asked_to(string[] arguments, string? variable, bool open) =>
        Assert.Equal(open, ConsoleDisplay.OpenRequested(arguments, variable));
}
