using static TorchSharp.torch;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 4's character-level RNN exercises: one-hot encoding and the course's
/// mini-batches of sequences. Each runs the learner's function on a small input of its own and
/// compares with the answer built here, naming the likely mistake when they differ.
/// </summary>
public static class CharRnnChecks
{
    /// <summary>
    /// <c>one_hot_encode(arr, n_labels)</c>: a float tensor of shape <c>[.. arr.shape, n_labels]</c> with a 1 at
    /// each character's index. Checked on a [2, 3] batch of indices over a vocabulary of 7.
    /// </summary>
    public static Verdict OneHot(Func<Tensor, long, Tensor>? one_hot_encode)
    {
        if (one_hot_encode is null) return Verdict.NotDone();
        using var arr = tensor(new long[,] { { 3, 5, 1 }, { 0, 6, 3 } });
        const long labels = 7;
        var answer = one_hot_encode(arr, labels);
        if (answer is null) return Verdict.NotDone();
        long[] expectedShape = [2, 3, labels];
        if (!answer.shape.SequenceEqual(expectedShape))
            return answer.shape.SequenceEqual(new long[] { 2 * 3, labels })
                ? Verdict.Wrong($"the result is {Shape(answer)}, flattened: keep the input's shape and add one axis of n_labels at the end, [2, 3, {labels}].")
                : answer.shape.SequenceEqual(new long[] { labels, 2, 3 })
                    ? Verdict.Wrong($"the result is {Shape(answer)}: the vocabulary axis goes last, [2, 3, {labels}], one row of n_labels numbers per character.")
                    : Verdict.Wrong($"a [2, 3] batch of indices over {labels} characters should become [2, 3, {labels}]; got {Shape(answer)}.");
        if (!answer.is_floating_point())
            return Verdict.Wrong($"the values are {answer.dtype}: the LSTM multiplies its inputs by float weights, so return floats (e.g. .to(torch.float32)).");
        var expected = nn.functional.one_hot(arr, labels).to(float32);
        if (Same(answer, expected)) return Verdict.Correct($"[2, 3] indices became [2, 3, {labels}] one-hot floats, a single 1 per character at its index.");
        var values = Values(answer);
        if (!values.sum(-1).eq(1).all().item<bool>())
            return Verdict.Wrong("some characters' vectors do not hold exactly one 1: each character is all zeros except a single 1 at its index.");
        return Verdict.Wrong("every vector holds one 1, but not at the character's index: position arr[i, j] of the last axis should be 1.");
    }

    /// <summary>
    /// <c>get_batches(arr, batch_size, seq_length)</c>: the course's batches, checked on the text 0, 1, 2, … 102 with
    /// 2 sequences of 5: the remainder dropped, rows of consecutive text, windows of 5 columns, targets shifted by one
    /// with each row's last target wrapping to its first character.
    /// </summary>
    public static Verdict Batches(Func<long[], int, int, IEnumerable<(Tensor x, Tensor y)>>? get_batches)
    {
        if (get_batches is null) return Verdict.NotDone();
        var arr = Enumerable.Range(0, 103).Select(i => (long)i).ToArray();
        const int batchSize = 2, seqLength = 5;
        // The layout: 103 characters make 10 whole batches of 2 × 5; rows 0–49 and 50–99, the last 3 dropped.
        var expected = new List<(long[,] X, long[,] Y)>();
        for (int n = 0; n < 50; n += seqLength)
        {
            var (x, y) = (new long[batchSize, seqLength], new long[batchSize, seqLength]);
            for (int row = 0; row < batchSize; row++)
                for (int j = 0; j < seqLength; j++)
                {
                    x[row, j] = row * 50 + n + j;
                    y[row, j] = row * 50 + (n + j + 1) % 50;
                }
            expected.Add((x, y));
        }

        var answers = new List<(long[] XShape, long[] YShape, long[] X, long[] Y)>();
        foreach (var (x, y) in get_batches(arr, batchSize, seqLength))
        {
            if (x is null || y is null) return Verdict.NotDone();
            answers.Add((x.shape, y.shape, Values(x).to(int64).data<long>().ToArray(), Values(y).to(int64).data<long>().ToArray()));
        }
        if (answers.Count == 0) return Verdict.Wrong("no batch came out: 103 characters hold 10 whole batches of 2 sequences of 5.");
        var first = answers[0];
        if (!first.XShape.SequenceEqual(new long[] { batchSize, seqLength }))
            return Verdict.Wrong($"with batch_size 2 and seq_length 5 each x should be [2, 5] (sequences × characters); the first is [{string.Join(", ", first.XShape)}].");
        if (!first.YShape.SequenceEqual(first.XShape))
            return Verdict.Wrong($"y should have x's shape, [2, 5]; the first y is [{string.Join(", ", first.YShape)}].");
        if (answers.Count != expected.Count)
            return Verdict.Wrong(answers.Count > expected.Count
                ? $"{answers.Count} batches came out of 103 characters; only 10 whole batches of 2 × 5 fit: drop the characters after the last whole batch."
                : $"{answers.Count} batches came out of 103 characters, which hold 10 whole batches of 2 × 5.");
        if (!first.X.SequenceEqual(Flat(expected[0].X)))
            return first.X.SequenceEqual(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })
                ? Verdict.Wrong("the first x holds characters 0–9: the rows should each be a long stretch of the text (reshape the kept text to [batch_size, -1]), so row 1 starts at character 50, not 5.")
                : Verdict.Wrong($"the first x is [{string.Join(", ", first.X)}]; with rows 0–49 and 50–99 it should be [0, 1, 2, 3, 4, 50, 51, 52, 53, 54].");
        for (int b = 0; b < expected.Count; b++)
        {
            if (!answers[b].X.SequenceEqual(Flat(expected[b].X)))
                return Verdict.Wrong($"x of batch {b + 1} is [{string.Join(", ", answers[b].X)}]: each batch should take the next {seqLength} columns of the rows.");
            if (!answers[b].Y.SequenceEqual(Flat(expected[b].Y)))
            {
                if (answers[b].Y.SequenceEqual(answers[b].X))
                    return Verdict.Wrong("y equals x: the targets are the characters one place later in the text.");
                return b == expected.Count - 1
                    ? Verdict.Wrong($"the last batch's targets are [{string.Join(", ", answers[b].Y)}]: the target after each row's last character is that row's first character ([{string.Join(", ", Flat(expected[b].Y))}]).")
                    : Verdict.Wrong($"y of batch {b + 1} is [{string.Join(", ", answers[b].Y)}]; the targets are x shifted one character along its row, [{string.Join(", ", Flat(expected[b].Y))}].");
            }
        }
        return Verdict.Correct("10 batches of [2, 5] from 103 characters: rows of consecutive text, windows sliding along them, targets one character ahead.");
    }

    static long[] Flat(long[,] values) => values.Cast<long>().ToArray();
}
