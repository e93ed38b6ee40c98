using System.Text.Json.Nodes;
using NotebookRunner;

namespace AppMaker;

/// <summary>A notebook cell as an app sees it.</summary>
/// <param name="Number">Its position in the notebook, from 1 (as error messages count).</param>
/// <param name="Markdown">The text of a markdown cell; null for a code cell.</param>
/// <param name="Code">A code cell's C#, without the notebook's own directives (<c>#!import</c>, <c>#r</c>).</param>
/// <param name="Setup">Whether the cell imports <c>shared/Course.dib</c>: the app calls <c>Course.Setup()</c> there.</param>
/// <param name="Packages">The packages the cell references with <c>#r "nuget: …"</c>.</param>
/// <param name="Fast">The code the cell runs after itself in fast mode (<c>course.fast</c>), if any.</param>
public sealed record NotebookCell(int Number, string? Markdown, string Code, bool Setup, IReadOnlyList<Package> Packages, string? Fast)
{
    const string CourseImport = "shared/Course.dib";

    /// <summary>The cells of <paramref name="notebook"/> (named <paramref name="name"/> in messages).</summary>
    /// <exception cref="InvalidDataException">A cell uses a notebook directive that has no equivalent in an app.</exception>
    public static IReadOnlyList<NotebookCell> Read(JsonObject notebook, string name)
    {
        var cells = new List<NotebookCell>();
        var index = 0;
        foreach (var cell in NotebookJson.Cells(notebook))
        {
            var source = NotebookJson.Text(cell["source"]).Replace("\r\n", "\n");
            var number = ++index;
            if (!NotebookJson.IsCode(cell))
            {
                DeepLearningCourse.FastSettings.Of(cell, number - 1, name);
                if ((string?)cell["cell_type"] == "markdown") cells.Add(new NotebookCell(number, source, "", false, [], null));
                continue;
            }
            var setup = false;
            var packages = new List<Package>();
            var code = new List<string>();
            foreach (var line in source.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith("#!import", StringComparison.Ordinal) && trimmed.TrimEnd('"').EndsWith(CourseImport, StringComparison.Ordinal))
                    setup = true;
                else if (Package.FromReference(trimmed) is { } package)
                    packages.Add(package);
                else if (trimmed.StartsWith("#!", StringComparison.Ordinal) || trimmed.StartsWith("#r ", StringComparison.Ordinal))
                    throw new InvalidDataException($"{name}: cell {number}: \"{trimmed}\" is a notebook directive an app has no equivalent for (only #!import of {CourseImport} and #r \"nuget: Name, Version\" are).");
                else
                    code.Add(line);
            }
            cells.Add(new NotebookCell(number, null, string.Join('\n', code).Trim('\n'), setup, packages,
                DeepLearningCourse.FastSettings.Of(cell, number - 1, name)));
        }
        return cells;
    }
}
