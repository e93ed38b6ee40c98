using System.Globalization;

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
/// What a lesson measured, printed as one "Result |" line at the end of the notebook. tools/results
/// collects these lines from executed full-mode notebooks into RESULTS.md, so no result is typed by hand.
/// </summary>
public sealed record LessonResult(string Lesson, string Metric, double Value, Target Target, string Data, int? Epochs, TimeSpan WallTime, CourseMode Mode)
{
    public bool Met => Target.IsMetBy(Value);

    public override string ToString() => string.Join(" | ",
        "Result",
        Lesson,
        $"{Metric} {Value.ToString(Target.Format, Formats.Number)}",
        $"target {Target}",
        Mode == CourseMode.Full ? (Met ? "met" : "MISSED") : "not judged (fast mode)",
        Data,
        Epochs is { } e ? $"{e} epochs" : "no training",
        $"{WallTime.TotalSeconds.ToString("F1", Formats.Number)} s",
        $"{Mode.ToString().ToLowerInvariant()} mode");
}
