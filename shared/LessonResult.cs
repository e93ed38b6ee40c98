namespace DeepLearningCourse;

/// <summary>A lesson's full-mode target: the measured value must be at least, or at most, a bound.</summary>
public sealed record Target(double Bound, bool AtLeastBound, string Format)
{
    /// <summary>Reached when the value is <paramref name="bound"/> or more (accuracy, say); <paramref name="format"/> is a .NET numeric format such as "P1".</summary>
    public static Target AtLeast(double bound, string format = "G4") => new(bound, true, format);

    /// <summary>Reached when the value is <paramref name="bound"/> or less (a loss, say).</summary>
    public static Target AtMost(double bound, string format = "G4") => new(bound, false, format);

    public bool IsMetBy(double value) => AtLeastBound ? value >= Bound : value <= Bound;

    public override string ToString() => (AtLeastBound ? ">= " : "<= ") + Bound.ToString(Format, Formats.Number);
}

/// <summary>
/// What a lesson measures at its end, and what the course says it should reach. A classifier's accuracy also names its
/// <paramref name="Classes"/>: an accuracy below one in that many is worse than guessing, whatever the data or mode.
/// </summary>
public sealed record LessonTarget(string Lesson, string Title, string Metric, Target Target, int? Classes = null)
{
    /// <summary>The accuracy of guessing among <see cref="Classes"/> classes, for a classifier's accuracy; null otherwise.</summary>
    public double? Chance => Classes is int classes ? 1.0 / classes : null;
}

/// <summary>
/// The targets of the lessons that report a result, from the PyTorch course's published outputs
/// (see the lesson table in README). Kept here, not in the notebooks, so a lesson ends with one short call.
/// </summary>
public static class LessonTargets
{
    /// <summary>Every lesson that ends with a result line.</summary>
    public static IReadOnlyList<LessonTarget> All { get; } =
    [
        new("Section 2 Part 3", "Training Neural Networks", "training loss", Target.AtMost(0.40, "F3")),
        new("Section 2 Part 4", "Fashion-MNIST", "training loss", Target.AtMost(0.40, "F3")),
        new("Section 2 Part 5", "Inference and Validation", "test accuracy", Target.AtLeast(0.86, "P1"), Classes: 10),
        new("Section 2 Part 6", "Saving and Loading Models", "test accuracy", Target.AtLeast(0.83, "P1"), Classes: 10),
        new("Section 2 Part 8", "Transfer Learning", "test accuracy", Target.AtLeast(0.95, "P1"), Classes: 2),
        new("Section 3 Lesson 1", "MLP on MNIST", "test accuracy", Target.AtLeast(0.98, "P1"), Classes: 10),
        new("Section 3 Lesson 4", "CNN on CIFAR-10", "test accuracy", Target.AtLeast(0.70, "P1"), Classes: 10),
        new("Section 3 Lesson 5", "Transfer Learning", "test accuracy", Target.AtLeast(0.74, "P1"), Classes: 5),
        new("Section 3 Lesson 6", "Weight Initialization", "validation accuracy (uniform ±1/√n)", Target.AtLeast(0.85, "P1"), Classes: 10),
        // The autoencoders report the course's own loss figure: the batch losses times the batch size, summed and
        // divided by the number of batches (about 20 × the per-pixel mean squared error). The bounds sit a little
        // above the course's printed values (0.24–0.28, ≈ 0.17, 0.10–0.11, 0.52–0.54), which vary between runs.
        new("Section 3 Lesson 7", "Linear Autoencoder", "reported training loss", Target.AtMost(0.28, "F3")),
        new("Section 3 Lesson 8", "Convolutional Autoencoder", "reported training loss", Target.AtMost(0.20, "F3")),
        new("Section 3 Lesson 8b", "Upsampling", "reported training loss", Target.AtMost(0.12, "F3")),
        new("Section 3 Lesson 9", "Denoising Autoencoder", "reported training loss", Target.AtMost(0.56, "F3")),
        // Style transfer has no accuracy: the course's total loss fell from 4.9e7 at the first step to 2.0e6 at the last.
        new("Section 3 Lesson 10", "Style Transfer", "total loss reduction (first look / last step)", Target.AtLeast(10, "F1")),
        // The course's character-level LSTM ends at a validation loss of 1.29 on Anna Karenina after 20 epochs.
        new("Section 4 Lesson 1", "Character-Level RNN", "validation loss", Target.AtMost(1.35, "F3")),
    ];

    /// <summary>The target of <paramref name="metric"/> in <paramref name="lesson"/>; an unknown pair is an error that lists the known ones.</summary>
    public static LessonTarget Find(string lesson, string metric) =>
        All.FirstOrDefault(t => t.Lesson == lesson && t.Metric == metric)
        ?? throw new ArgumentException($"No target is recorded for '{metric}' in '{lesson}'. Known: {string.Join("; ", All.Select(t => $"{t.Lesson}: {t.Metric}"))}.");
}

/// <summary>
/// What a lesson measured, printed as one "Result |" line at the end of the notebook. tools/results
/// collects these lines from executed full-mode notebooks into RESULTS.md, so no result is typed by hand.
/// </summary>
/// <remarks>
/// The target is judged only in full mode on the course's own data and networks: a value measured on an offline
/// stand-in (<paramref name="OnStandIn"/>) answers a different question, so it is reported but not called met or missed.
/// A value that is no result at all (<see cref="Fault"/>: not a number, or a classifier worse than guessing) fails in
/// every mode. An accuracy measured on a known number of <paramref name="Predictions"/> is worse than guessing only when
/// guessing would rarely do as badly (<see cref="SignificanceLevel"/>): a fast-mode run that tests 16 photos gets 1 right
/// by chance about one time in seven.
/// </remarks>
public sealed record LessonResult(LessonTarget Target, double Value, string Data, CourseMode Mode, bool OnStandIn = false, long? Predictions = null)
{
    /// <summary>How unlikely, at most, guessing must be to score as low as the accuracy did, for it to count as below chance.</summary>
    public const double SignificanceLevel = 0.01;

    /// <summary>Whether the value reaches the target (judged in full mode only).</summary>
    public bool Met => FaultKind is null && Target.Target.IsMetBy(Value);

    /// <summary>
    /// Why the value cannot stand as the lesson's result in any mode, in a sentence; null when it can. A loss or accuracy
    /// that is not a finite number means the training diverged; an accuracy below chance means the predictions, or the
    /// features under them, are wrong.
    /// </summary>
    public string? Fault => FaultKind switch
    {
        "not a number" => $"The {Target.Metric} is {Value.ToString(Formats.Number)}, not a number a lesson can report: the training diverged or the evaluation divided by zero. Look for the first epoch whose loss was not finite.",
        "below chance" => $"The {Target.Metric}, {Value.ToString(Target.Target.Format, Formats.Number)}{(Predictions is long n ? $" of {n:N0} predictions" : "")}, is below chance ({Target.Chance!.Value.ToString(Target.Target.Format, Formats.Number)} for {Target.Classes} classes): guessing would do better, so the model, its features or its labels are wrong.",
        _ => null,
    };

    /// <summary>The fault in a few words, as the result line shows it; null when there is none.</summary>
    string? FaultKind =>
        !double.IsFinite(Value) ? "not a number"
        : Target.Chance is double chance && Value < chance && (Predictions is not long n || GuessingScoresAtMost(Value, n, chance) < SignificanceLevel) ? "below chance"
        : null;

    /// <summary>The probability that <paramref name="n"/> guesses, each right with probability <paramref name="chance"/>, get at most <paramref name="accuracy"/> of them right.</summary>
    internal static double GuessingScoresAtMost(double accuracy, long n, double chance)
    {
        var right = (long)Math.Round(accuracy * n);
        // Binomial terms from log-factorials, so that thousands of predictions neither overflow nor underflow midway
        var sum = 0.0;
        for (long k = 0; k <= right; k++)
            sum += Math.Exp(LogChoose(n, k) + k * Math.Log(chance) + (n - k) * Math.Log(1 - chance));
        return Math.Min(1, sum);
    }

    static double LogChoose(long n, long k)
    {
        var log = 0.0;
        for (long i = 1; i <= k; i++) log += Math.Log(n - k + i) - Math.Log(i);
        return log;
    }

    public override string ToString() => string.Join(" | ",
        "Result",
        $"{Target.Lesson} - {Target.Title}",
        $"{Target.Metric} {Value.ToString(Target.Target.Format, Formats.Number)}",
        $"target {Target.Target}",
        FaultKind is { } fault ? $"FAILED ({fault})"
            : Mode == CourseMode.Fast ? "not judged (fast mode)" : OnStandIn ? "not judged (stand-in)" : Met ? "met" : "MISSED",
        Data,
        $"{Mode.ToString().ToLowerInvariant()} mode");
}

/// <summary>A lesson's result that cannot stand in any mode (<see cref="LessonResult.Fault"/>); the result is kept for whoever catches it.</summary>
public sealed class LessonResultException(LessonResult result, string message) : Exception(message)
{
    public LessonResult Result { get; } = result;
}
