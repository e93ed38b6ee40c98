namespace DeepLearningCourse.Tools;

static class SeededShuffle
{
    /// <summary>A Fisher–Yates shuffle from a fixed seed, so the generated files are identical on every run.</summary>
    public static List<T> Shuffle<T>(this List<T> items, int seed)
    {
        var random = new Random(seed);
        var shuffled = items.ToList();
        for (int i = shuffled.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        return shuffled;
    }
}
