using System.Text.Json;

namespace DeepLearningCourse;

/// <summary>
/// The instructor's switch: a file <c>course-settings.json</c> at the repository root, such as
/// <c>{ "mode": "fast" }</c>, sets the mode of every notebook kernel and app started afterwards, on any system,
/// where an environment variable is hard to give a VS Code kernel. <see cref="Course.ModeVariable"/>, when set,
/// wins over it (the runner and CI set it). The file is not committed; VS Code's tasks "Course: fast mode" and
/// "Course: full mode" write it.
/// </summary>
static class CourseSettings
{
    /// <summary>The settings file's name, at the repository root.</summary>
    public const string FileName = "course-settings.json";

    /// <summary>The mode <paramref name="file"/> asks for, or null when there is no such file or it names no mode.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or its mode is not a mode; the message names the file.</exception>
    public static CourseMode? ModeIn(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var settings = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (settings.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{file}: expected an object such as {{ \"mode\": \"fast\" }}.");
            if (!settings.RootElement.TryGetProperty("mode", out var mode)) return null;
            return mode.ValueKind == JsonValueKind.String && Course.TryParseMode(mode.GetString(), out var parsed)
                ? parsed
                : throw new InvalidDataException($"{file}: \"mode\" is {mode.GetRawText()}; use \"full\" or \"fast\".");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not valid JSON ({e.Message}).", e);
        }
    }
}
