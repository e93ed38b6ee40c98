namespace DeepLearningCourse;

/// <summary>
/// Which datasets and pretrained weights this process used, in the order it first used them, so a lesson's
/// result line can say what it was measured on (and whether that was an offline stand-in) without the
/// lesson having to pass it along.
/// </summary>
static class Provenance
{
    static readonly List<string> used = [];
    static bool standIn;

    /// <summary>
    /// Notes a dataset or a set of weights; the same thing twice is noted once. <paramref name="standsIn"/> says it
    /// replaces what the course used (offline data, or another pretrained network), so the course's targets do not apply.
    /// </summary>
    public static void Record(string what, bool standsIn)
    {
        lock (used)
        {
            if (!used.Contains(what)) used.Add(what);
            standIn |= standsIn;
        }
    }

    /// <summary>Everything noted so far (or "no dataset"), and whether any of it stands in for what the course used, read together.</summary>
    public static (string Summary, bool AnyStandIn) Snapshot()
    {
        lock (used) return (used.Count == 0 ? "no dataset" : string.Join(", ", used), standIn);
    }
}
