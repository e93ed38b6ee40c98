using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Data;

/// <summary>
/// The one rule that makes CI quick without lessons containing CI knobs: in <see cref="CourseMode.Fast"/>
/// every dataset factory keeps fewer samples (<see cref="TrainLimit"/> and <see cref="TestLimit"/> images held in
/// memory, <see cref="PhotoLimit"/> photos per folder, a text's first <see cref="TextLimit"/> characters), spread
/// evenly over the whole set so that every class stays represented. Lessons train for the same number of epochs
/// in both modes; only the data shrinks. The dataset's <c>Source</c> then says it is a fast-mode subset.
/// </summary>
public static class FastMode
{
    /// <summary>
    /// True in CI's quick mode. In the data layer only this class reads the mode (the dataset factories ask it);
    /// lessons never do, so they read the same in both modes.
    /// </summary>
    internal static bool IsOn => CourseSettings.Mode == CourseMode.Fast;

    /// <summary>The most training samples a dataset keeps in fast mode.</summary>
    public const int TrainLimit = 2000;

    /// <summary>The most test samples a dataset keeps in fast mode.</summary>
    public const int TestLimit = 500;

    /// <summary>
    /// The most photos an image folder keeps in fast mode. Every photo costs a decode and a pass through a large
    /// pretrained network, and the transfer-learning lessons train for a fixed number of updates.
    /// </summary>
    public const int PhotoLimit = 16;

    /// <summary>The most characters a text corpus keeps in fast mode.</summary>
    public const int TextLimit = 200_000;

    /// <summary>
    /// The indices to keep out of <paramref name="count"/>: all of them in full mode, otherwise at
    /// most the limit, evenly spaced (files are often sorted by class, so a prefix would not do).
    /// </summary>
    public static long[] Select(long count, bool train, bool fast) => Select(count, fast, train ? TrainLimit : TestLimit);

    /// <summary>As <see cref="Select(long, bool, bool)"/>, for the photos of an image folder.</summary>
    public static long[] SelectPhotos(long count, bool fast) => Select(count, fast, PhotoLimit);

    static long[] Select(long count, bool fast, int limit)
    {
        if (!fast || count <= limit) return Sequence(count);
        var picked = new long[limit];
        for (int i = 0; i < limit; i++) picked[i] = (long)((double)i * count / limit);
        return picked;
    }

    /// <summary>How a subset's description ends, or an empty string when nothing was left out.</summary>
    public static string Describe(long kept, long total) =>
        kept == total ? "" : $" [fast mode: {kept:N0} of {total:N0} samples]";

    static long[] Sequence(long count)
    {
        var all = new long[count];
        for (long i = 0; i < count; i++) all[i] = i;
        return all;
    }
}
