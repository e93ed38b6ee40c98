using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// Builds RESULTS.md from the "Result | ..." lines that lessons print (DeepLearningCourse.LessonResult),
/// taking only full-mode runs: the table is regenerated from executed notebooks, never typed.
/// The wall time is the runner's own measurement of the whole notebook when the executed copy
/// carries it (metadata course.run), otherwise the one the lesson printed.
/// </summary>
public static class Results
{
    public static int Write(string executedFolder, string markdownPath, TextWriter log)
    {
        if (!Directory.Exists(executedFolder))
        {
            log.WriteLine($"No executed notebooks in {executedFolder}: run tools/run-course first.");
            return 66;
        }
        var rows = new List<(string Notebook, string[] Fields, string WallTime)>();
        var skipped = 0;
        // Exercises notebooks report no results (their result line is left out), so only lessons are read.
        foreach (var path in Directory.GetFiles(executedFolder, "*.ipynb", SearchOption.AllDirectories)
                     .Where(p => !ExercisesNotebook.IsExercises(p)).Order(StringComparer.Ordinal))
        {
            var notebook = NotebookJson.Load(path);
            var measured = (double?)notebook["metadata"]?["course"]?["run"]?["wall_seconds"];
            foreach (var line in OutputLines(notebook).Where(l => l.StartsWith("Result | ")))
            {
                var fields = line.Split(" | ");
                // Result | lesson - title | metric value | target t | judgement | data | mode
                if (fields.Length != 7) continue;
                if (fields[6] != "full mode") { skipped++; continue; }
                var wall = measured is { } seconds ? $"{seconds.ToString("F1", CultureInfo.InvariantCulture)} s" : "not timed";
                rows.Add((Path.GetRelativePath(executedFolder, path), fields, wall));
            }
        }

        var text = new StringBuilder();
        text.AppendLine("# Results");
        text.AppendLine();
        text.AppendLine("Measured by the lessons themselves in full mode and collected by `tools/results` from the executed");
        text.AppendLine("notebooks in `artifacts/notebooks/full/` (run `tools/run-course` first). Wall time is the whole");
        text.AppendLine("notebook as the runner timed it, kernel start-up included. Do not edit by hand.");
        text.AppendLine();
        text.AppendLine("| Lesson | Data | Wall time | Metric | Measured | Target | Met |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (_, f, wall) in rows)
        {
            var metric = f[2][..f[2].LastIndexOf(' ')];
            var value = f[2][(f[2].LastIndexOf(' ') + 1)..];
            text.AppendLine($"| {f[1]} | {f[5]} | {wall} | {metric} | {value} | {f[3]["target ".Length..]} | {f[4]} |");
        }
        File.WriteAllText(markdownPath, text.ToString());
        log.WriteLine($"Wrote {rows.Count} full-mode result(s) to {markdownPath}" + (skipped > 0 ? $"; ignored {skipped} fast-mode result(s)." : "."));
        return rows.Count > 0 ? 0 : 65;
    }

    /// <summary>Every line of text the notebook's cells printed or displayed as plain text.</summary>
    static IEnumerable<string> OutputLines(JsonObject notebook)
    {
        foreach (var cell in NotebookJson.Cells(notebook))
        {
            foreach (var output in cell["outputs"]?.AsArray() ?? [])
            {
                var text = NotebookJson.Text(output!["text"] ?? output["data"]?["text/plain"]);
                foreach (var line in text.Split('\n')) yield return line.TrimEnd('\r');
            }
        }
    }
}
