using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner;

/// <summary>
/// Writes a lesson's exercises notebook from the lesson itself (the lesson stays the solution; see
/// docs/EXERCISES.md). A code cell whose metadata holds <c>course.exercise</c> directly after a
/// markdown cell with an <c>### Exercise: title</c> heading is an exercise: its stub replaces the
/// solution and a check cell follows. Cells that use an answer not written yet get a guard line that
/// skips them and says why. Outputs, execution counts and the lesson's recording stamp are ignored, so
/// recording a lesson never makes its exercises notebook stale.
/// </summary>
public static partial class ExercisesNotebook
{
    /// <summary>The marker every exercises notebook has in its file name.</summary>
    public const string Marker = " (Exercises)";

    /// <summary>The exercises notebook's path beside <paramref name="lessonPath"/>.</summary>
    public static string PathFor(string lessonPath) =>
        Path.Combine(Path.GetDirectoryName(lessonPath)!, Path.GetFileNameWithoutExtension(lessonPath) + Marker + ".ipynb");

    /// <summary>The lesson an exercises notebook was generated from.</summary>
    public static string LessonFor(string exercisesPath) =>
        Path.Combine(Path.GetDirectoryName(exercisesPath)!, Path.GetFileName(exercisesPath).Replace(Marker, ""));

    /// <summary>Whether a notebook is an exercises notebook (by its name).</summary>
    public static bool IsExercises(string path) => Path.GetFileName(path).Contains(Marker.Trim());

    /// <summary>Whether the lesson marks at least one exercise.</summary>
    public static bool HasExercises(JsonObject lesson) => NotebookJson.Cells(lesson).Any(c => c["metadata"]?["course"]?["exercise"] is JsonObject);

    /// <summary>
    /// The exercises notebook of <paramref name="lesson"/>: stubs and checks, no outputs; with
    /// <paramref name="solved"/>, the same notebook with each stub replaced by the lesson's solution
    /// (what CI runs to see every check pass).
    /// </summary>
    /// <exception cref="InvalidDataException">An exercise is marked wrongly; the message says which and how.</exception>
    public static JsonObject Build(JsonObject lesson, string lessonFileName, bool solved = false)
    {
        // Each generated cell's id comes from its lesson cell's, so every lesson cell needs one
        lesson = (JsonObject)lesson.DeepClone();
        CellIds.Assign(lesson);
        var cells = new JsonArray();
        var tainted = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var stubLacks = new Dictionary<string, string>(StringComparer.Ordinal);   // name → exercise whose stub does not declare it
        string? previousMarkdown = null;
        var first = true;

        foreach (var cell in NotebookJson.Cells(lesson))
        {
            var source = NotebookJson.Text(cell["source"]).Replace("\r\n", "\n");
            if (!NotebookJson.IsCode(cell))
            {
                cells.Add(Markdown(source, cell, Id(cell, "")));
                if (first) cells.Add(Markdown(Introduction(lessonFileName), null, "exercises-introduction"));
                first = false;
                previousMarkdown = source;
                continue;
            }
            first = false;
            CheckStubsCover(source, stubLacks, lessonFileName);

            if (cell["metadata"]?["course"]?["exercise"] is JsonObject exercise)
            {
                var title = Title(previousMarkdown)
                    ?? throw new InvalidDataException($"{lessonFileName}: an exercise cell must follow a markdown cell whose heading reads \"### Exercise: <title>\" (cell starting \"{FirstLine(source)}\").");
                var stub = Required(exercise, "stub", title, lessonFileName);
                var check = Required(exercise, "check", title, lessonFileName);
                var (solution, rest) = Split(source, (string?)exercise["rest_from"], title, lessonFileName);

                var needs = Needs(stub, tainted);
                needs.Remove(title);
                cells.Add(Code(Guarded(solved ? solution : stub, needs), cell, Id(cell, "")));
                // What the stub declares is the learner's answer, except constants it gives (var epochs = 5;).
                var given = needs.Count == 0 ? Constants(stub) : [];
                foreach (var name in Declared(stub).Union(Declared(solution)).Except(given))
                    tainted[name] = new SortedSet<string>(needs.Append(title), StringComparer.Ordinal);
                foreach (var name in Declared(solution).Except(Declared(stub)))
                    stubLacks[name] = title;

                var after = Needs(check, tainted);
                after.Remove(title);
                cells.Add(Code(CheckCell(title, check, after), cell, Id(cell, "-check")));
                if (rest is not null) cells.Add(Code(Ordinary(rest, tainted), cell, Id(cell, "-rest")));
            }
            else if (!source.TrimStart().StartsWith("Course.Result(", StringComparison.Ordinal))
            {
                cells.Add(Code(Ordinary(source, tainted), cell, Id(cell, "")));
            }
            previousMarkdown = null;
        }

        var notebook = new JsonObject { ["cells"] = cells };
        foreach (var (key, value) in lesson)
        {
            if (key == "cells") continue;
            var copy = value?.DeepClone();
            if (key == "metadata" && copy is JsonObject metadata) metadata.Remove("course");
            notebook[key] = copy;
        }
        CellIds.Assign(notebook);
        return notebook;
    }

    /// <summary>Writes the exercises notebook of every lesson that marks exercises; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(IEnumerable<string> lessons)
    {
        var written = new List<string>();
        foreach (var lessonPath in lessons.Where(l => !IsExercises(l)))
        {
            var lesson = NotebookJson.Load(lessonPath);
            if (!HasExercises(lesson)) continue;
            var path = PathFor(lessonPath);
            var text = NotebookJson.ToText(Build(lesson, Path.GetFileName(lessonPath)));
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path + ".partial", text);
                File.Move(path + ".partial", path, overwrite: true);
            }
            written.Add(path);
        }
        return written;
    }

    /// <summary>The line a guarded cell starts with.</summary>
    public static string GuardLine(IEnumerable<string> titles) =>
        $"if (Exercise.Pending({string.Join(", ", titles.Select(Quote))})) return Exercise.Skipped;";

    /// <summary>Whether a code cell is a check cell (the runner counts their verdicts).</summary>
    public static bool IsCheckCell(string source) => source.Contains("Exercise.Check(", StringComparison.Ordinal);

    static string Introduction(string lessonFileName) =>
        $"""
        > **Exercises.** This notebook is [{Path.GetFileNameWithoutExtension(lessonFileName)}]({Uri.EscapeDataString(lessonFileName)}) with its exercises left for you. Each exercise cell holds a stub with a `TODO`: replace it with your code and run it, then run the check below it. The check compares your answer with what the course library computes from the same inputs and answers in a line: correct, not done yet, or a hint about the likely mistake. A cell that needs an answer you have not written yet skips itself and says so. The lesson notebook is the solution, with the outputs of a full run.
        """;

    static string CheckCell(string title, string check, IReadOnlyCollection<string> after) =>
        $"// Checks your answer to \"{title}\"; run it after the cell above.\n" +
        $"Exercise.Check({Quote(title)}, () => {check.Trim()}{(after.Count == 0 ? "" : ", after: " + string.Join(", ", after.Select(Quote)))});";

    static string Ordinary(string source, Dictionary<string, SortedSet<string>> tainted)
    {
        var needs = Needs(source, tainted);
        foreach (var name in Declared(source))
        {
            if (needs.Count > 0) tainted[name] = new SortedSet<string>(needs, StringComparer.Ordinal);
            else tainted.Remove(name);
        }
        return Guarded(source, needs);
    }

    /// <summary>The source with the guard line inserted after its leading directives (#! lines, using aliases), which must come first.</summary>
    static string Guarded(string source, IReadOnlyCollection<string> needs)
    {
        if (needs.Count == 0) return source;
        var lines = source.Split('\n').ToList();
        var at = 0;
        while (at < lines.Count && (lines[at].StartsWith("#!") || UsingDirective().IsMatch(lines[at]))) at++;
        lines.Insert(at, GuardLine(needs));
        return string.Join("\n", lines);
    }

    /// <summary>The exercises whose unfinished answers <paramref name="source"/> uses.</summary>
    static SortedSet<string> Needs(string source, Dictionary<string, SortedSet<string>> tainted)
    {
        var needs = new SortedSet<string>(StringComparer.Ordinal);
        var declared = Declared(source, anyDepth: true);
        foreach (var name in Used(source).Where(n => !declared.Contains(n)))
            if (tainted.TryGetValue(name, out var titles)) needs.UnionWith(titles);
        return needs;
    }

    static void CheckStubsCover(string source, Dictionary<string, string> stubLacks, string lesson)
    {
        foreach (var name in Used(source).Where(n => !Declared(source, anyDepth: true).Contains(n)))
            if (stubLacks.TryGetValue(name, out var title))
                throw new InvalidDataException($"{lesson}: a later cell uses {name}, which the solution of \"{title}\" declares but its stub does not; declare it in the stub (e.g. as null).");
        foreach (var name in Declared(source)) stubLacks.Remove(name);
    }

    /// <summary>Names used in code: identifiers outside comments and strings, not after a dot.</summary>
    static HashSet<string> Used(string source) =>
        Identifier().Matches(Strip(source)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Names a cell declares at its top level (what later cells can use): variables, deconstructed
    /// variables, classes, records and local functions (tuple and generic return types included, and
    /// signatures that continue on the next line); with <paramref name="anyDepth"/>, also those
    /// inside blocks and classes (fields, locals), which are the cell's own and never an earlier answer.
    /// </summary>
    static HashSet<string> Declared(string source, bool anyDepth = false)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        foreach (var line in Strip(source).Split('\n'))
        {
            if (depth == 0 || anyDepth)
            {
                foreach (Match m in TopLevelDeclaration().Matches(line)) names.Add(m.Groups["name"].Value);
                if (Deconstruction().Match(line) is { Success: true } d)
                    foreach (var part in d.Groups["names"].Value.Split(','))
                        names.Add(part.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
            }
            depth += line.Count(c => c == '{') - line.Count(c => c == '}');
            if (depth < 0) depth = 0;
        }
        names.Remove("_");
        return names;
    }

    /// <summary>Top-level variables a stub sets to a number (<c>var epochs = 5;</c>): given, not answers.</summary>
    static HashSet<string> Constants(string stub) =>
        NumericConstant().Matches(Strip(stub)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The code without comments and the contents of plain string literals (a rough cut that suffices here).</summary>
    static string Strip(string source)
    {
        var text = new StringBuilder();
        foreach (var line in source.Split('\n'))
        {
            var withoutStrings = StringLiteral().Replace(line, "\"\"");
            var comment = withoutStrings.IndexOf("//", StringComparison.Ordinal);
            text.Append(comment >= 0 ? withoutStrings[..comment] : withoutStrings).Append('\n');
        }
        return text.ToString();
    }

    static (string Solution, string? Remainder) Split(string source, string? restFrom, string title, string lesson)
    {
        if (restFrom is null) return (source, null);
        var at = source.IndexOf("\n" + restFrom, StringComparison.Ordinal);
        if (at < 0) throw new InvalidDataException($"{lesson}: exercise \"{title}\": rest_from \"{restFrom}\" does not start any line of its cell.");
        return (source[..at].TrimEnd('\n'), source[(at + 1)..]);
    }

    static string? Title(string? markdown) =>
        markdown is null ? null : ExerciseHeading().Matches(markdown).LastOrDefault()?.Groups["title"].Value.Trim();

    static string Required(JsonObject exercise, string key, string title, string lesson) =>
        NotebookJson.Text(exercise[key]) is { Length: > 0 } text
            ? text.Replace("\r\n", "\n")
            : throw new InvalidDataException($"{lesson}: exercise \"{title}\" has no \"{key}\" in its cell's course.exercise metadata.");

    static JsonObject Markdown(string source, JsonObject? lessonCell, string id) => new()
    {
        ["cell_type"] = "markdown",
        ["metadata"] = Metadata(lessonCell),
        ["source"] = NotebookJson.Lines(source),
        ["id"] = id,
    };

    static JsonObject Code(string source, JsonObject lessonCell, string id) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["metadata"] = Metadata(lessonCell),
        ["outputs"] = new JsonArray(),
        ["source"] = NotebookJson.Lines(source),
        ["id"] = id,
    };

    /// <summary>The lesson cell's id with a suffix, so each generated cell's id is unique and stable.</summary>
    static string Id(JsonObject lessonCell, string suffix) => (string)lessonCell["id"]! + suffix;

    /// <summary>
    /// The lesson cell's metadata without the course's own entries (the kernel's language and the
    /// cell's fast-mode settings stay, so CI runs the exercises notebook as quickly as the lesson).
    /// </summary>
    static JsonObject Metadata(JsonObject? lessonCell)
    {
        // The course library's FastSettings.Key; the runner does not load the library.
        const string FastKey = "fast";
        if (lessonCell?["metadata"]?.DeepClone() is not JsonObject metadata) return new JsonObject();
        var fast = metadata["course"]?[FastKey]?.DeepClone();
        metadata.Remove("course");
        if (fast is not null) metadata["course"] = new JsonObject { [FastKey] = fast };
        foreach (var key in metadata.Select(kv => kv.Key).Where(k => k.StartsWith("dotnet_repl_", StringComparison.Ordinal)).ToList())
            metadata.Remove(key);
        return metadata;
    }

    static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    static string FirstLine(string text) => text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";

    [GeneratedRegex(@"^#{2,4}\s*Exercise:\s*(?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex ExerciseHeading();

    [GeneratedRegex(@"^\s*using\s+[\w.]+(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();

    // An identifier not after a dot (a member) and not before a colon (a named argument).
    [GeneratedRegex(@"(?<![.\w])[A-Za-z_]\w*(?![\w:]|\s+:)")]
    private static partial Regex Identifier();

    // Plain string literals only: an interpolated string's holes use names, so it is kept.
    [GeneratedRegex(@"(?<![$\w])@?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    // var x =  |  Type x = / Type x;  |  class X / record X  |  Type X(...) => / {   (a local function)
    [GeneratedRegex(@"^\s*(?:(?:public|private|protected|internal|static|readonly)\s+)*(?:(?:(?:using\s+)?var|(?:(?:[a-z]\w*\.)*[A-Z]\w*(?:<[\w\s,.<>()]*>)?(?:\[\])?\??)|int|long|double|float|bool|string)\s+(?<name>[A-Za-z_]\w*)\s*(?:=(?!=)|;)|(?:class|record)\s+(?<name>[A-Za-z_]\w*)|(?:\((?:[\w\s,.<>]|\([\w\s,.<>]*\))+\)|[A-Z]\w*(?:<[\w\s,.<>()]*>)?|int|long|double|float|bool|string|void)\s+(?<name>[A-Za-z_]\w*)\s*\([^;]*(?:\)\s*(?:=>|\{|$)|,\s*$))")]
    private static partial Regex TopLevelDeclaration();

    [GeneratedRegex(@"^(?:var|int|long|double|float)\s+(?<name>[A-Za-z_]\w*)\s*=\s*[\d.]+\s*;", RegexOptions.Multiline)]
    private static partial Regex NumericConstant();

    [GeneratedRegex(@"^\s*var\s*\((?<names>[^()]*)\)\s*=")]
    private static partial Regex Deconstruction();
}
