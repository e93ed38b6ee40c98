using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;

namespace DeepLearningCourse;

/// <summary>
/// How fast mode shortens a lesson whose cost comes from its own numbers (Section 4's epochs, style transfer's steps)
/// rather than from its data: the cell that sets them carries, in its metadata, <c>course.fast</c>, C# code such as
/// <c>steps = 100;</c> that runs right after the cell whenever fast mode is on. The lesson a learner reads shows only
/// the full-run values. One definition serves every way a lesson runs: in a notebook kernel (VS Code, or the runner's
/// dotnet-repl) <see cref="RunAfterCells"/> runs the code after the cell; in an app, <c>tools/make-apps</c> writes it
/// after the cell, inside <c>if (Course.Mode == CourseMode.Fast)</c>.
/// </summary>
public static class FastSettings
{
    /// <summary>The key under a cell's <c>metadata.course</c> that holds the fast-mode code.</summary>
    public const string Key = "fast";

    /// <summary>The fast-mode code cell <paramref name="index"/> (from 0) of <paramref name="notebook"/> asks for, or null.</summary>
    /// <exception cref="InvalidDataException">A cell that is not code carries fast-mode code; the message names the notebook and the cell.</exception>
    public static string? Of(JsonObject cell, int index, string notebook)
    {
        if (cell["metadata"]?["course"]?[Key] is not JsonValue value || (string?)value is not { Length: > 0 } code) return null;
        return (string?)cell["cell_type"] == "code" ? code
            : throw new InvalidDataException($"{notebook}: cell {index + 1} carries course.{Key} but is not a code cell.");
    }

    /// <summary>Every cell of <paramref name="notebook"/> that asks for fast-mode code: its source (as <see cref="Normalize"/> gives it) and the code.</summary>
    public static IReadOnlyList<(string Source, string Code)> In(JsonObject notebook, string name)
    {
        var found = new List<(string, string)>();
        var cells = notebook["cells"] as JsonArray ?? throw new InvalidDataException($"{name}: not a notebook (no \"cells\" list).");
        for (var i = 0; i < cells.Count; i++)
            if (cells[i] is JsonObject cell && Of(cell, i, name) is { } code) found.Add((Normalize(SourceOf(cell)), code));
        return found;
    }

    /// <summary>A cell's source as the kernel receives it, however the notebook stores it (one string or a list of lines).</summary>
    static string SourceOf(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue single => (string?)single ?? "",
        _ => "",
    };

    /// <summary>Source text compared without regard to line endings or trailing white space.</summary>
    internal static string Normalize(string source) =>
        string.Join('\n', source.Replace("\r\n", "\n").Split('\n').Select(line => line.TrimEnd())).Trim();

    /// <summary>
    /// Has <paramref name="kernel"/> run a cell's fast-mode code right after the cell, for every cell of the notebooks in
    /// <paramref name="folder"/> that asks for it (a kernel runs with its notebook's folder as working directory, and is
    /// sent a cell's code without its metadata, so cells are recognised by their source). The cell's output says what ran.
    /// A notebook in the folder that cannot be read is reported, and the others still apply.
    /// </summary>
    internal static void RunAfterCells(Kernel kernel, string folder)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*.ipynb").Order(StringComparer.Ordinal))
        {
            try
            {
                var notebook = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a notebook.");
                foreach (var (source, code) in In(notebook, Path.GetFileName(path))) settings.TryAdd(source, code);
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
            {
                Console.Error.WriteLine($"Fast mode: the settings of {Path.GetFileName(path)} were not read: {e.Message}");
            }
        }
        if (settings.Count == 0) return;

        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            if (command is not SubmitCode cell || !settings.TryGetValue(Normalize(cell.Code), out var code)) return;
            KernelInvocationContextExtensions.Display(context, $"Fast mode: {string.Join(' ', code.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))}", "text/plain");
            await context.HandlingKernel.SendAsync(new SubmitCode(code));
        });
    }
}
