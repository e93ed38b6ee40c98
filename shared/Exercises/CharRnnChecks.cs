using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 4's character-level RNN exercises: one-hot encoding, the course's mini-batches
/// of sequences, and the network. Each runs the learner's function on a small input of its own and
/// compares with the answer built here, naming the likely mistake when they differ.
/// </summary>
public static class CharRnnChecks
{
    /// <summary>
    /// <c>one_hot_encode(arr, n_labels)</c>: a float32 tensor (the dtype of the LSTM's weights, which it is multiplied by) of shape <c>[.. arr.shape, n_labels]</c> with a 1 at
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
        if (answer.dtype != float32)
            return Verdict.Wrong($"the values are {answer.dtype}; the LSTM multiplies its input by its weights, which are Float32, and a matrix product needs both of one type (libtorch stops with \"mat1 and mat2 must have the same dtype\"): return .to(torch.float32).");
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

    /// <summary>
    /// The <c>CharRNN</c> network: an LSTM (vocabulary in, <c>n_hidden</c> units, <c>n_layers</c> layers, batch first,
    /// dropout between its layers), dropout on its output, and a Linear layer to one score per character, one row per
    /// character; <c>forward</c> starts from the state it is given and returns the LSTM's new one. Built through
    /// <paramref name="build"/> with sizes and a dropout of its own (7 characters, 12 units, 3 layers, 0.3), so sizes
    /// written into the class instead of taken from its arguments are found too.
    /// </summary>
    /// <param name="build">Makes the learner's network from (tokens, n_hidden, n_layers, drop_prob).</param>
    public static Verdict Network(Func<char[], int, int, double, nn.Module<Tensor, (Tensor, Tensor), (Tensor, (Tensor, Tensor))>>? build)
    {
        if (build is null) return Verdict.NotDone();
        char[] tokens = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
        const int hidden = 12, layers = 3, batch = 2, steps = 5;
        const double dropProbability = 0.3;
        var net = build(tokens, hidden, layers, dropProbability);
        if (net is null) return Verdict.NotDone();
        var lstms = net.modules().OfType<LSTM>().ToList();
        var linears = net.modules().OfType<Linear>().ToList();
        if (lstms.Count == 0 && linears.Count == 0) return Verdict.NotDone();
        if (lstms.Count != 1) return Verdict.Wrong($"the network has {lstms.Count} LSTM modules; it needs one nn.LSTM, which stacks its n_layers layers itself.");
        if (linears.Count != 1) return Verdict.Wrong($"the network has {linears.Count} Linear layers; it needs one, fc, from the LSTM's n_hidden outputs to one score per character.");
        var (lstm, fc) = (lstms[0], linears[0]);
        if (LstmMistake(lstm, tokens.Length, hidden, layers) is { } lstmHint) return Verdict.Wrong(lstmHint);
        if (fc.in_features != hidden || fc.out_features != tokens.Length)
            return Verdict.Wrong($"built with n_hidden {hidden} and {tokens.Length} characters, fc maps {fc.in_features} → {fc.out_features}; it should map n_hidden → chars.Length, {hidden} → {tokens.Length}.");
        var dropouts = net.modules().OfType<Dropout>().ToList();
        if (dropouts.Count == 0) return Verdict.Wrong("the network has no Dropout layer: add dropout = nn.Dropout(drop_prob) for the LSTM's output.");
        if (dropouts.Any(d => Math.Abs(d.p - dropProbability) > 1e-9))
            return Verdict.Wrong($"built with drop_prob {dropProbability}, the Dropout layer has p = {dropouts[0].p}: pass drop_prob on, nn.Dropout(drop_prob).");

        var x = nn.functional.one_hot(torch.randint(tokens.Length, [batch, steps], dtype: int64, generator: new Generator(7)), tokens.Length).to(float32);
        var state = (torch.randn(layers, batch, hidden, generator: new Generator(8)) * 0.5, torch.randn(layers, batch, hidden, generator: new Generator(9)) * 0.5);
        Tensor output, h, c;
        net.eval();
        try
        {
            using var _ = torch.no_grad();
            (output, (h, c)) = net.call(x, state);
        }
        catch (Exception e) when (e.Message.StartsWith("Expected hidden[0] size", StringComparison.Ordinal))
        {
            return Verdict.Wrong($"the LSTM reads [{batch}, {steps}, {tokens.Length}] as {batch} steps of {steps} sequences: create it with batchFirst: true, since the batches are [batch, steps, characters].");
        }
        finally { net.train(); }

        Tensor expectedOutput, expectedH, expectedC, ignoredState;
        lstm.eval();
        using (torch.no_grad())
        {
            var (r, rh, rc) = lstm.call(x, state);
            (expectedOutput, expectedH, expectedC) = (fc.call(r.contiguous().view(-1, hidden)), rh, rc);
            ignoredState = fc.call(lstm.call(x).Item1.contiguous().view(-1, hidden));
        }
        lstm.train();
        long[] rows = [batch * steps, tokens.Length];
        if (!output.shape.SequenceEqual(rows))
            return Verdict.Wrong(output.shape.SequenceEqual(new long[] { batch, steps, tokens.Length })
                ? $"the scores are {Shape(output)}; the loss takes one row per character, [{batch * steps}, {tokens.Length}]: reshape the LSTM's output with contiguous().view(-1, n_hidden) before fc."
                : $"for {batch} sequences of {steps} characters the scores should be [{batch * steps}, {tokens.Length}], one row per character; got {Shape(output)}.");
        if (!Same(output, expectedOutput))
            return Same(output, ignoredState)
                ? Verdict.Wrong("forward ignores the state it is given: pass hidden to lstm.call(x, hidden), so each batch goes on from where the last one stopped.")
                : Verdict.Wrong("the scores are not fc applied to the LSTM's outputs, one row per character in the order of the batch: view the LSTM's output [batch, steps, n_hidden] as [-1, n_hidden], without transposing it.");
        if (!Same(h, expectedH) || !Same(c, expectedC))
        {
            if (Same(h, state.Item1) && Same(c, state.Item2)) return Verdict.Wrong("forward returns the state it was given; return the LSTM's new (h, c), which the next batch starts from.");
            if (Same(h, expectedC) && Same(c, expectedH)) return Verdict.Wrong("the state comes back as (c, h); lstm.call returns (output, h, c), and forward returns (h, c) in that order.");
            return Verdict.Wrong($"the state returned is not the LSTM's new (h, c), each [{layers}, {batch}, {hidden}] (n_layers, batch, n_hidden).");
        }

        if (!Random(() => lstm.call(x, state).Item1))
            return Verdict.Wrong("the LSTM drops nothing between its layers in training mode: create it with dropout: drop_prob, as well as the Dropout layer on its output.");
        Tensor Rows(Tensor r) => r.contiguous().view(-1, hidden);
        Tensor Trained(Func<Tensor, Tensor> head) => head(lstm.call(x, state).Item1);
        var learner = Seeded(() => net.call(x, state).Item1);
        // Dropout on the LSTM's output before or after it is laid out in rows: both are right, and draw their masks
        // in a different order (the batch-first output is a transposed view)
        if (Same(learner, Seeded(() => Trained(r => fc.call(Rows(F.dropout(r, dropProbability, training: true))))))
            || Same(learner, Seeded(() => Trained(r => fc.call(F.dropout(Rows(r), dropProbability, training: true))))))
            return Verdict.Correct($"an LSTM of {layers} × {hidden} units (dropout between its layers), dropout on its output, and fc to {tokens.Length} scores per character; forward goes on from the state it is given and returns the new one.");
        if (Same(learner, Seeded(() => Trained(r => fc.call(Rows(r))))))
            return Verdict.Wrong("the Dropout layer is never used: apply it to the LSTM's output in forward, before fc.");
        if (Same(learner, Seeded(() => Trained(r => F.dropout(fc.call(Rows(r)), dropProbability, training: true)))))
            return Verdict.Wrong("dropout is applied to fc's scores; it belongs on the LSTM's output, before fc, so that the scores themselves are never zeroed.");
        return Verdict.Wrong("in training mode forward does not compute fc(dropout(LSTM output)): dropout once, on the LSTM's output, then fc.");
    }

    /// <summary>What is wrong with the LSTM's sizes, read from its weights (weight_ih_lK is [4 · hidden, input]), or null.</summary>
    static string? LstmMistake(LSTM lstm, long inputs, long hidden, long layers)
    {
        var weights = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        if (weights.Keys.Any(name => name.EndsWith("_reverse", StringComparison.Ordinal)))
            return "the LSTM is bidirectional, so it would read each sequence backwards too, from characters it is meant to predict: leave bidirectional off.";
        var stacked = weights.Keys.Count(name => name.StartsWith("weight_ih_l", StringComparison.Ordinal));
        var input = weights["weight_ih_l0"].shape[1];
        var units = weights["weight_hh_l0"].shape[1];
        if (input != inputs) return $"the LSTM takes {input} values per step; a one-hot character has one per character of the vocabulary, chars.Length ({inputs} here).";
        if (units != hidden) return $"built with n_hidden {hidden}, the LSTM has {units} units: pass n_hidden on.";
        if (stacked != layers) return $"built with n_layers {layers}, the LSTM has {stacked} layer(s): pass n_layers on.";
        return null;
    }

    /// <summary>Whether two runs of <paramref name="compute"/> in training mode differ (dropout draws new masks).</summary>
    static bool Random(Func<Tensor> compute)
    {
        using var _ = torch.no_grad();
        return !Same(compute(), compute());
    }

    static long[] Flat(long[,] values) => values.Cast<long>().ToArray();
}
