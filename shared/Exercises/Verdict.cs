namespace DeepLearningCourse.Exercises;

/// <summary>What a check found.</summary>
public enum VerdictKind
{
    /// <summary>The answer agrees with what the library computed on the same inputs.</summary>
    Correct,
    /// <summary>The exercise's cell still holds its stub (a <c>null</c> value or <c>NotImplementedException</c>).</summary>
    NotDone,
    /// <summary>The answer is there but wrong; the message names the likely mistake.</summary>
    Wrong,
}

/// <summary>A check's answer: one or two lines for the learner.</summary>
/// <param name="Kind">Correct, not done yet, or wrong.</param>
/// <param name="Message">What is right, or a hint that names the likely mistake.</param>
public sealed record Verdict(VerdictKind Kind, string Message)
{
    /// <summary>The answer is right; <paramref name="what"/> says what was confirmed.</summary>
    public static Verdict Correct(string what) => new(VerdictKind.Correct, what);

    /// <summary>The cell still holds its stub.</summary>
    public static Verdict NotDone(string what = "replace the TODO in the cell above, run it, then run this check again.") => new(VerdictKind.NotDone, what);

    /// <summary>The answer is wrong; <paramref name="hint"/> names the likely mistake.</summary>
    public static Verdict Wrong(string hint) => new(VerdictKind.Wrong, hint);

    /// <summary>
    /// The line a check cell prints. Its first words ("Correct", "Not done yet", "Not quite") are
    /// what the notebook runner counts.
    /// </summary>
    public override string ToString() => Kind switch
    {
        VerdictKind.Correct => $"✔ Correct: {Message}",
        VerdictKind.NotDone => $"… Not done yet: {Message}",
        _ => $"✘ Not quite: {Message}",
    };
}
