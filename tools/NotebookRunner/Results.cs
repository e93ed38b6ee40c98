using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// Builds RESULTS.md from the "Result | ..." lines that lessons print (DeepLearningCourse.LessonResult),
/// taking only full-mode runs: the table is regenerated from executed notebooks, never typed.
/// The wall time is the runner's own measurement of the whole notebook when the executed copy
/// carries it (metadata course.run), otherwise the one the lesson printed. Where bench/run compared a lesson
/// with its PyTorch reference on the same data (artifacts/bench/parity.tsv), the table shows that comparison,
/// and a lesson that ran on stand-in data is judged by it: the course's own number was measured on other data.
/// </summary>
public static class Results
{
    public static int Write(string executedFolder, string markdownPath, TextWriter log, string? parityPath = null)
    {
        var parity = Parity.Read(parityPath);
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
            foreach (var line in ResultLines(notebook))
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
        text.AppendLine("The last column compares the lesson with its PyTorch reference script on the same data (`bench/run`:");
        text.AppendLine("mean ± standard deviation over seeds 7, 8, ...; \"same\" when the means differ by no more than the two");
        text.AppendLine("standard deviations together, plus half the last digit the lesson prints" + (parity.Written is { } when ? $"; {when}" : "; not run yet") + ").");
        text.AppendLine("On stand-in data that comparison,");
        text.AppendLine("not the course's number, decides whether the lesson met its target.");
        text.AppendLine();
        text.AppendLine("| Lesson | Data | Wall time | Metric | Measured | Target | Met | Same data in PyTorch |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (_, f, wall) in rows)
        {
            var metric = f[2][..f[2].LastIndexOf(' ')];
            var value = f[2][(f[2].LastIndexOf(' ') + 1)..];
            var compared = parity.For(f[1]);
            var met = compared is not null && f[4].StartsWith("not judged", StringComparison.Ordinal)
                ? (compared.AsGood ? "met (as good as PyTorch on the same data)" : "not met (PyTorch does better on the same data)")
                : f[4];
            var comparison = compared is null ? "not compared" : $"C# {compared.CSharp} vs PyTorch {compared.PyTorch}: {compared.Verdict}";
            text.AppendLine($"| {f[1]} | {f[5]} | {wall} | {metric} | {value} | {f[3]["target ".Length..]} | {met} | {comparison} |");
        }
        File.WriteAllText(markdownPath, text.ToString());
        log.WriteLine($"Wrote {rows.Count} full-mode result(s) to {markdownPath}" + (skipped > 0 ? $"; ignored {skipped} fast-mode result(s)." : "."));
        return rows.Count > 0 ? 0 : 65;
    }

    /// <summary>The "Result | ..." lines an executed lesson printed.</summary>
    internal static IEnumerable<string> ResultLines(JsonObject notebook) => OutputLines(notebook).Where(l => l.StartsWith("Result | "));

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

/// <summary>bench/run's parity table as it left it in artifacts/bench/parity.tsv: one row per lesson it compared.</summary>
sealed record Parity(string? Written, IReadOnlyList<Parity.Row> Rows)
{
    public sealed record Row(string Lesson, string CSharp, string PyTorch, string Verdict, bool AsGood);

    /// <summary>The comparison for a RESULTS.md lesson ("Section 2 Part 5 - Inference and Validation"), if any.</summary>
    public Row? For(string lesson) => Rows.FirstOrDefault(r => lesson.StartsWith(r.Lesson + " - ", StringComparison.Ordinal));

    public static Parity Read(string? path)
    {
        if (path is null || !File.Exists(path)) return new Parity(null, []);
        var lines = File.ReadAllLines(path);
        var rows = new List<Row>();
        string? written = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("# ", StringComparison.Ordinal)) { written = lines[i][2..]; continue; }
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split('\t');
            if (f.Length != 5 || f[4] is not ("met" or "not met"))
                throw new InvalidDataException($"{path}, line {i + 1}: expected lesson, C#, PyTorch, verdict and met/not met separated by tabs; rerun bench/run.");
            rows.Add(new Row(f[0], f[1], f[2], f[3], f[4] == "met"));
        }
        return new Parity(written, rows);
    }
}
