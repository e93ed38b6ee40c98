using TorchSharp;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// Runs the checks of an exercises notebook and remembers their verdicts, so that a later cell that
/// uses an answer not done yet, or one its check found wrong, can say so and stop instead of failing
/// with an exception or running for minutes on a wrong answer. The check cells and the guard lines are
/// written by <c>tools/make-exercises</c>; learners only read them.
/// </summary>
public static class Exercise
{
    static readonly Dictionary<string, VerdictKind> verdicts = new(StringComparer.Ordinal);
    static string skipped = "";

    /// <summary>
    /// Runs <paramref name="check"/> for the exercise <paramref name="title"/> and prints its verdict.
    /// A stub (a <c>null</c> answer, or code that throws <see cref="NotImplementedException"/>) is "not
    /// done yet"; any other exception thrown by the learner's code becomes a one-line hint. When an
    /// exercise named in <paramref name="after"/> is not done, or its check found it wrong, this one
    /// cannot be checked yet and says so.
    /// </summary>
    public static Verdict Check(string title, Func<Verdict> check, params string[] after)
    {
        var verdict = Unfinished(after) is { } first
            ? Verdict.NotDone($"this check uses your answer to \"{first.Title}\", {Why(first.Kind)}; {(first.Kind == VerdictKind.NotDone ? "finish" : "fix")} that exercise first.")
            : Run(check);
        verdicts[title] = verdict.Kind;
        Console.WriteLine(verdict);
        return verdict;
    }

    /// <summary>
    /// True when one of the exercises named is not done yet or its check said "not quite"; the guard line
    /// of a cell that uses their answers then returns <see cref="Skipped"/> instead of running. An exercise
    /// whose check has not run yet does not stop anything.
    /// </summary>
    public static bool Pending(params string[] titles)
    {
        // A guard's `return` gives its cell a value even when the cell runs to the end without one, and
        // the kernel would show that missing value as "<null>" under every guarded cell; show nothing instead.
        Microsoft.DotNet.Interactive.Formatting.Formatter.NullString = "";
        if (Unfinished(titles) is not { } first) return false;
        skipped = first.Kind == VerdictKind.NotDone
            ? $"Skipped: this cell uses your answer to the exercise \"{first.Title}\", which is not done yet."
            : $"Skipped: this cell uses your answer to the exercise \"{first.Title}\", which its check found not quite right; fix it, run its check again, then this cell.";
        return true;
    }

    /// <summary>What a cell skipped by <see cref="Pending"/> shows.</summary>
    public static string Skipped => skipped;

    /// <summary>Forgets every verdict (a new notebook, or a test).</summary>
    public static void Reset() => verdicts.Clear();

    static (string Title, VerdictKind Kind)? Unfinished(IEnumerable<string> titles) =>
        titles.Select(t => (Title: t, Kind: verdicts.GetValueOrDefault(t, VerdictKind.Correct)))
            .Where(v => v.Kind != VerdictKind.Correct)
            .Select(v => ((string, VerdictKind)?)v)
            .FirstOrDefault();

    static string Why(VerdictKind kind) => kind == VerdictKind.NotDone ? "which is not done yet" : "which its check found not quite right";

    static Verdict Run(Func<Verdict> check)
    {
        try
        {
            using var scope = torch.NewDisposeScope();
            return check();
        }
        catch (NotImplementedException)
        {
            return Verdict.NotDone();
        }
        catch (Exception e)
        {
            return Verdict.Wrong(TorchErrors.Describe(e));
        }
    }
}
