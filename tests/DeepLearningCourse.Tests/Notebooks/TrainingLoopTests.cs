using System.Text.RegularExpressions;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>
/// A lesson's hand-written training loop stops with <c>Trainer</c>'s message when its loss stops being a number,
/// instead of printing NaN for every epoch left: in a cell that trains, each line that prints an epoch's loss comes
/// after a <c>TrainingDivergedException.ThrowIfNotFinite</c> call placed after the last <c>backward()</c>.
/// </summary>
public sealed partial class TrainingLoopTests
{
    const string Check = "TrainingDivergedException.ThrowIfNotFinite(";

    /// <summary>The lines of <paramref name="code"/> that print an epoch's loss with no check since the last backward().</summary>
    static IReadOnlyList<string> UncheckedLossPrints(string code)
    {
        var unchecked_ = new List<string>();
        bool trained = false, checkedSinceBackward = false;
        foreach (var line in code.Split('\n'))
        {
            if (line.Contains(".backward()", StringComparison.Ordinal)) (trained, checkedSinceBackward) = (true, false);
            else if (line.Contains(Check, StringComparison.Ordinal)) checkedSinceBackward = true;
            else if (trained && !checkedSinceBackward && EpochLossPrint().IsMatch(line)) unchecked_.Add(line.Trim());
        }
        return unchecked_;
    }

    [GeneratedRegex(@"Console\.Write(Line)?\(.*epoch.*loss", RegexOptions.IgnoreCase)]
    private static partial Regex EpochLossPrint();

    static IEnumerable<(string Notebook, string Code)> LessonCodeCells() =>
        LessonListTests.LessonNotebooks().SelectMany(notebook =>
            NotebookJson.Cells(NotebookJson.Load(Path.Combine(RepositoryFolder.Root, notebook)))
                .Where(NotebookJson.IsCode)
                .Select(cell => (notebook, NotebookJson.Text(cell["source"]))));

    [Fact]
    public void Every_lesson_loop_checks_the_loss_before_printing_it()
    {
        var unchecked_ = LessonCodeCells()
            .SelectMany(c => UncheckedLossPrints(c.Code).Select(line => $"{c.Notebook}: {line}"))
            .ToList();
        Assert.True(unchecked_.Count == 0, $"These lines print an epoch's loss without {Check}loss, epoch) before them:\n" + string.Join("\n", unchecked_));
    }

    [Fact]
    public void The_lessons_hold_loops_that_print_an_epochs_loss_and_a_missing_check_is_caught()
    {
        var checkedLoops = LessonCodeCells().Where(c => c.Code.Contains(Check, StringComparison.Ordinal)).ToList();
        Assert.True(checkedLoops.Count >= 10, $"only {checkedLoops.Count} lesson cells call {Check}...)");
        foreach (var (notebook, code) in checkedLoops)
        {
            var lines = code.Split('\n');
            if (!lines.Any(l => EpochLossPrint().IsMatch(l))) continue;
            var withoutCheck = string.Join('\n', lines.Where(l => !l.Contains(Check, StringComparison.Ordinal)));
            Assert.True(UncheckedLossPrints(withoutCheck).Count > 0, $"{notebook}: removing the check would go unnoticed");
        }
    }
}
