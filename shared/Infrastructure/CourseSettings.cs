using System.Text.Json;

namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// Where the course's run settings come from, read once per process: the mode (full or fast) and the data cache.
/// The learner-facing <see cref="DeepLearningCourse.Course"/> forwards to this class, and the layers below it (datasets,
/// models) read from here, so that dependencies point one way. Within the data layer only <c>Data.FastMode</c>
/// reads the mode.
/// <para>
/// The mode is <see cref="ModeVariable"/> when it is set (the runner and CI set it), else the instructor's switch:
/// a file <c>course-settings.json</c> at the repository root, such as <c>{ "mode": "fast" }</c>, which sets the mode of
/// every notebook kernel and app started afterwards, on any system, where an environment variable is hard to give a
/// VS Code kernel. The file is not committed; VS Code's tasks "Course: fast mode" and "Course: full mode" write it.
/// </para>
/// </summary>
static class CourseSettings
{
    /// <summary>Environment variable that selects the mode: <c>fast</c> for CI, anything else (or unset) for full.</summary>
    public const string ModeVariable = "COURSE_MODE";

    /// <summary>Environment variable that overrides where datasets and weights are cached.</summary>
    public const string DataVariable = "COURSE_DATA";

    /// <summary>The settings file's name, at the repository root.</summary>
    public const string FileName = "course-settings.json";

    static readonly Lazy<(CourseMode Mode, string? Source)> mode = new(() => ModeFrom(Environment.GetEnvironmentVariable(ModeVariable), Repository.Root));

    /// <summary>The mode this process runs in, read once: <see cref="ModeVariable"/> when it is set, else the settings file, else full.</summary>
    public static CourseMode Mode => mode.Value.Mode;

    /// <summary>What chose <see cref="Mode"/>: <see cref="ModeVariable"/>, <see cref="FileName"/>, or null (the default).</summary>
    public static string? ModeSource => mode.Value.Source;

    /// <summary>The data cache: <see cref="DataVariable"/> if set, else the repository's <c>data/</c> folder.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } custom
        ? Path.GetFullPath(custom)
        : Repository.Root is { } root
            ? Path.Combine(root, "data")
            : throw new DirectoryNotFoundException($"Cannot find the course's data folder above {Environment.CurrentDirectory}; set {DataVariable}.");

    /// <summary>The mode <paramref name="variable"/> (the environment variable's value) or else the settings file under <paramref name="root"/> gives, and which of the two gave it (null: neither, full by default).</summary>
    public static (CourseMode Mode, string? Source) ModeFrom(string? variable, string? root)
    {
        if (!string.IsNullOrWhiteSpace(variable)) return (ParseMode(variable), ModeVariable);
        return root is not null && ModeIn(Path.Combine(root, FileName)) is { } chosen
            ? (chosen, FileName)
            : (CourseMode.Full, null);
    }

    /// <summary>Reads a <see cref="ModeVariable"/> value; a typo fails loudly instead of silently running the full course.</summary>
    public static CourseMode ParseMode(string? value) => TryParseMode(value, out var parsed)
        ? parsed
        : throw new ArgumentException($"{ModeVariable}={value} is not a mode: use 'full' (the default) or 'fast'.");

    static bool TryParseMode(string? value, out CourseMode mode)
    {
        (var known, mode) = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "full" => (true, CourseMode.Full),
            "fast" => (true, CourseMode.Fast),
            _ => (false, CourseMode.Full),
        };
        return known;
    }

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
            return mode.ValueKind == JsonValueKind.String && TryParseMode(mode.GetString(), out var parsed)
                ? parsed
                : throw new InvalidDataException($"{file}: \"mode\" is {mode.GetRawText()}; use \"full\" or \"fast\".");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not valid JSON ({e.Message}).", e);
        }
    }
}
