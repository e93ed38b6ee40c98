using DeepLearningCourse.Exercises;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// Section 4's exercises: one-hot encoding and the course's mini-batches. The lesson's answers pass, a stub is
/// "not done yet", and typical wrong answers get different hints naming the mistake.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class CharRnnChecksTests
{
    public CharRnnChecksTests() => TorchFixture.Ensure();

    static Tensor OneHot(Tensor arr, long n) => nn.functional.one_hot(arr, n).to(float32);

    /// <summary>The lesson's get_batches, with switches for the typical mistakes.</summary>
    static IEnumerable<(Tensor x, Tensor y)> Batches(long[] arr, int batchSize, int seqLength,
        bool rowsOfText = true, bool shift = true, bool wrap = true, bool dropRemainder = true)
    {
        var n = arr.Length / (batchSize * seqLength);
        // Forgetting to drop the remainder: rows as long as the text allows, and a last, narrower window
        var columns = dropRemainder ? n * seqLength : arr.Length / batchSize;
        var rows = tensor(arr[..(int)(batchSize * columns)], [batchSize, columns]);
        if (!rowsOfText)
        {
            // Consecutive chunks of the text as the rows of each batch, so x[1] continues x[0]
            var chunks = tensor(arr[..(n * batchSize * seqLength)], [n * batchSize, seqLength]);
            var shifted = chunks.roll(-1, 1);
            for (int b = 0; b < n; b++)
                yield return (chunks[(b * batchSize)..((b + 1) * batchSize)], shifted[(b * batchSize)..((b + 1) * batchSize)]);
            yield break;
        }
        var next = !shift ? rows : wrap ? rows.roll(-1, 1) : cat([rows[.., 1..], rows[.., ^1..]], 1);
        for (long c = 0; c < columns; c += seqLength)
        {
            var end = (int)Math.Min(c + seqLength, columns);
            yield return (rows[.., (int)c..end], next[.., (int)c..end]);
        }
    }

    [Fact]
    public void One_hot_the_lesson_passes_a_stub_is_not_done_and_mistakes_get_their_own_hints()
    {
        Assert.Equal(VerdictKind.Correct, CharRnnChecks.OneHot(OneHot).Kind);
        Assert.Equal(VerdictKind.NotDone, CharRnnChecks.OneHot(null).Kind);
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("one-hot (test)", () => CharRnnChecks.OneHot((_, _) => throw new NotImplementedException())).Kind);

        var integers = CharRnnChecks.OneHot((a, n) => nn.functional.one_hot(a, n));
        var flattened = CharRnnChecks.OneHot((a, n) => OneHot(a.flatten(), n));
        var axisFirst = CharRnnChecks.OneHot((a, n) => OneHot(a, n).permute(2, 0, 1));
        var offByOne = CharRnnChecks.OneHot((a, n) => OneHot((a + 1) % n, n));

        Assert.All(new[] { integers, flattened, axisFirst, offByOne }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("return floats", integers.Message);
        Assert.Contains("flattened", flattened.Message);
        Assert.Contains("vocabulary axis goes last", axisFirst.Message);
        Assert.Contains("not at the character's index", offByOne.Message);
    }

    [Fact]
    public void Batches_the_lesson_passes_a_stub_is_not_done_and_mistakes_get_their_own_hints()
    {
        Assert.Equal(VerdictKind.Correct, CharRnnChecks.Batches((a, b, s) => Batches(a, b, s)).Kind);
        Assert.Equal(VerdictKind.NotDone, CharRnnChecks.Batches(null).Kind);

        var chunks = CharRnnChecks.Batches((a, b, s) => Batches(a, b, s, rowsOfText: false));
        var unshifted = CharRnnChecks.Batches((a, b, s) => Batches(a, b, s, shift: false));
        var noWrap = CharRnnChecks.Batches((a, b, s) => Batches(a, b, s, wrap: false));
        var remainder = CharRnnChecks.Batches((a, b, s) => Batches(a, b, s, dropRemainder: false));

        Assert.All(new[] { chunks, unshifted, noWrap, remainder }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("row 1 starts at character 50", chunks.Message);
        Assert.Contains("y equals x", unshifted.Message);
        Assert.Contains("that row's first character", noWrap.Message);
        Assert.Contains("drop the characters after the last whole batch", remainder.Message);
    }
}
