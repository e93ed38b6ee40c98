using System.Diagnostics;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearningCourse.Display;

/// <summary>
/// <c>display(value)</c> for the apps in <c>apps/</c>, which run a lesson outside any notebook: what a notebook
/// shows under a cell, an app prints to the console, through the same formatters (those <c>Course.Setup</c> registers),
/// and a picture becomes a PNG file in a folder named after the lesson, its path printed where the notebook would
/// show the picture. Named as the notebooks' own <c>display</c>, so a lesson's code runs unchanged in its app.
/// </summary>
public static class ConsoleDisplay
{
    /// <summary>Environment variable: <c>1</c> (or <c>true</c>) opens every picture in the system's viewer, as the app's <c>--open</c> argument does.</summary>
    public const string OpenVariable = "COURSE_OPEN";

    /// <summary>The app argument that opens every picture in the system's viewer.</summary>
    public const string OpenArgument = "--open";

    static readonly Lazy<PictureFolder> pictures = new(() => new PictureFolder(PictureFolder.ForThisApp()));
    static readonly bool open = OpenRequested(Environment.GetCommandLineArgs(), Environment.GetEnvironmentVariable(OpenVariable));

    /// <summary>Shows <paramref name="value"/>: a picture as a PNG file (and its path), anything else as the text a notebook shows.</summary>
    public static void display(object? value)
    {
        var line = Describe(value, pictures);
        Console.WriteLine(line);
        if (open && value is PngImage) Open(pictures.Value.Last!);
    }

    /// <summary>The line <see cref="display"/> prints; a picture is saved first.</summary>
    internal static string Describe(object? value, Lazy<PictureFolder> pictures) => value switch
    {
        PngImage image => $"Picture: {Shown(pictures.Value.Save(image))} ({image.Width}×{image.Height})",
        null => "<null>",
        _ => value.ToDisplayString(PlainTextFormatter.MimeType),
    };

    /// <summary>Whether the app was asked to open its pictures, by argument or by <see cref="OpenVariable"/>.</summary>
    internal static bool OpenRequested(IEnumerable<string> arguments, string? variable) =>
        arguments.Contains(OpenArgument, StringComparer.Ordinal)
        || variable?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>A path as short as it can be said: relative to the working directory when it lies below it.</summary>
    static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    static void Open(string path)
    {
        try
        {
            // The shell's own choice of viewer: xdg-open on Linux, open on macOS, the file association on Windows.
            Process.Start(new ProcessStartInfo(path) { UseShellExecute = true })?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            var hint = OperatingSystem.IsLinux() ? " On Linux that takes xdg-open (Debian's package xdg-utils) and a desktop." : "";
            Console.WriteLine($"Could not open {Shown(path)} in a viewer ({e.Message}).{hint}");
        }
    }
}

/// <summary>
/// Where an app's pictures go: <c>figure-01.png</c>, <c>figure-02.png</c>, … in the order shown, in a folder named
/// after the lesson beside its app. The first picture of a run clears the last run's, so the folder always holds one run.
/// </summary>
sealed class PictureFolder(string folder)
{
    int count;

    /// <summary>The folder.</summary>
    public string Folder => folder;

    /// <summary>The last picture written.</summary>
    public string? Last { get; private set; }

    /// <summary>
    /// For a file-based app (<c>dotnet run apps/Section2-PyTorch/Part 4 - Fashion-MNIST.cs</c>), the folder beside its file with
    /// the file's name; for any other program, a folder named after it in the working directory.
    /// </summary>
    public static string ForThisApp() => AppContext.GetData("EntryPointFilePath") is string file && file.Length > 0
        ? Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file))
        : Path.Combine(Environment.CurrentDirectory, System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "pictures");

    /// <summary>Writes the next picture and returns its path.</summary>
    public string Save(PngImage image)
    {
        if (count == 0)
        {
            Directory.CreateDirectory(folder);
            foreach (var old in Directory.EnumerateFiles(folder, "figure-*.png")) File.Delete(old);
        }
        var path = Path.Combine(folder, $"figure-{++count:D2}.png");
        image.Save(path);
        return Last = path;
    }
}
