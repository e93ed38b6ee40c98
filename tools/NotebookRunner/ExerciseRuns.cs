using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>Reads the verdicts of an exercises notebook's check cells and judges its two runs.</summary>
public static class ExerciseRuns
{
    /// <summary>The first words of the line each verdict prints (DeepLearningCourse.Exercises.Verdict).</summary>
    public const string Correct = "✔ Correct", NotDone = "… Not done yet", Wrong = "✘ Not quite";

    /// <summary>Each check cell's verdict: Correct, NotDone, Wrong, or "no verdict" when the cell printed none.</summary>
    public static IReadOnlyList<string> Verdicts(JsonObject executed) =>
        NotebookJson.Cells(executed)
            .Where(c => NotebookJson.IsCode(c) && ExercisesNotebook.IsCheckCell(NotebookJson.Text(c["source"])))
            .Select(c =>
            {
                var text = string.Concat(c["outputs"]?.AsArray().Select(o => NotebookJson.Text(o?["text"])) ?? []);
                return text.Contains(Correct) ? Correct : text.Contains(NotDone) ? NotDone : text.Contains(Wrong) ? Wrong : "no verdict";
            })
            .ToList();

    /// <summary>
    /// One result for both runs: it passes when neither failed a cell, every check of the notebook as
    /// given said "not done yet", and every check with the solutions put back said "correct".
    /// </summary>
    public static NotebookResult Combine(NotebookResult asGiven, NotebookResult solved)
    {
        var count = asGiven.Verdicts.Count;
        var notDone = asGiven.Verdicts.Count(v => v == NotDone);
        var passed = solved.Verdicts.Count(v => v == Correct);
        var problems = new List<string>();
        if (asGiven.Problem is { } p1) problems.Add($"as given: {p1}");
        if (solved.Problem is { } p2) problems.Add($"solved: {p2}");
        if (count == 0) problems.Add("no check cell printed a verdict");
        if (asGiven.Problem is null && notDone != count) problems.Add($"as given, {count - notDone} check(s) did not say \"not done yet\"");
        if (solved.Problem is null && (passed != count || solved.Verdicts.Count != count))
            problems.Add($"with the solutions, {solved.Verdicts.Count - passed} check(s) did not pass ({string.Join(", ", solved.Verdicts.Where(v => v != Correct).Distinct())})");
        return new NotebookResult(asGiven.Name, problems.Count == 0, problems.Count == 0 ? null : string.Join("; ", problems),
            asGiven.Duration + solved.Duration, asGiven.Ready, [.. asGiven.Cells, .. solved.Cells])
        {
            Verdicts = asGiven.Verdicts,
            Exercises = $"as given: {notDone} not done; solved: {passed} passed ({asGiven.Duration.TotalSeconds:F0} s + {solved.Duration.TotalSeconds:F0} s)",
        };
    }
}
