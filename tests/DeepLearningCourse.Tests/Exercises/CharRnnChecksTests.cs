using DeepLearningCourse.Exercises;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// Section 4's exercises: one-hot encoding, the course's mini-batches and the network. The lesson's answers pass, a stub is
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
        var doubles = CharRnnChecks.OneHot((a, n) => nn.functional.one_hot(a, n).to(float64));

        Assert.All(new[] { integers, flattened, axisFirst, offByOne, doubles }, v => Assert.StartsWith("✘ Not quite", v.ToString()));
        Assert.Contains("return .to(torch.float32)", integers.Message);
        // Float64 is a float type too, but the LSTM's weights are Float32 and libtorch refuses to multiply the two
        Assert.Contains("the values are Float64", doubles.Message);
        Assert.Contains("return .to(torch.float32)", doubles.Message);
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

    /// <summary>The lesson's CharRNN, with switches for the typical mistakes.</summary>
    sealed class CharRnn : nn.Module<Tensor, (Tensor, Tensor), (Tensor, (Tensor, Tensor))>
    {
        readonly int n_hidden;
        readonly LSTM lstm;
        readonly Dropout dropout;
        readonly Linear fc;
        readonly bool useState, returnNewState, dropoutOnScores, flatten, dropoutOnRows;

        public CharRnn(char[] tokens, int n_hidden, int n_layers, double drop_prob, bool batchFirst = true, bool lstmDropout = true,
            bool useState = true, bool returnNewState = true, bool dropoutOnScores = false, bool flatten = true, int? fixedHidden = null,
            bool dropoutOnRows = false) : base(nameof(CharRnn))
        {
            this.n_hidden = fixedHidden ?? n_hidden;
            lstm = nn.LSTM(tokens.Length, this.n_hidden, n_layers, batchFirst: batchFirst, dropout: lstmDropout ? drop_prob : 0);
            dropout = nn.Dropout(drop_prob);
            fc = nn.Linear(this.n_hidden, tokens.Length);
            (this.useState, this.returnNewState, this.dropoutOnScores, this.flatten, this.dropoutOnRows) = (useState, returnNewState, dropoutOnScores, flatten, dropoutOnRows);
            RegisterComponents();
        }

        public override (Tensor, (Tensor, Tensor)) forward(Tensor x, (Tensor, Tensor) hidden)
        {
            var (r, h, c) = useState ? lstm.call(x, hidden) : lstm.call(x);
            Tensor Rows(Tensor t) => flatten ? t.contiguous().view(-1, n_hidden) : t;
            // The lesson drops out on the LSTM's output, then lays it out in rows; the other order is right too
            var scores = dropoutOnScores ? dropout.call(fc.call(Rows(r)))
                : dropoutOnRows ? fc.call(dropout.call(Rows(r)))
                : fc.call(Rows(dropout.call(r)));
            return (scores, returnNewState ? (h, c) : hidden);
        }
    }

    /// <summary>The stub as the exercises notebook gives it: no layers, forward not written.</summary>
    sealed class CharRnnStub : nn.Module<Tensor, (Tensor, Tensor), (Tensor, (Tensor, Tensor))>
    {
        public CharRnnStub() : base(nameof(CharRnnStub)) => RegisterComponents();
        public override (Tensor, (Tensor, Tensor)) forward(Tensor x, (Tensor, Tensor) hidden) => throw new NotImplementedException();
    }

    static Verdict Network(bool batchFirst = true, bool lstmDropout = true, bool useState = true, bool returnNewState = true,
        bool dropoutOnScores = false, bool flatten = true, int? fixedHidden = null, double? fixedDrop = null, bool dropoutOnRows = false) =>
        CharRnnChecks.Network((tokens, hidden, layers, drop) => new CharRnn(tokens, hidden, layers, fixedDrop ?? drop, batchFirst, lstmDropout,
            useState, returnNewState, dropoutOnScores, flatten, fixedHidden, dropoutOnRows));

    [Fact]
    public void Network_the_lesson_passes_and_a_stub_is_not_done()
    {
        Assert.Equal(VerdictKind.Correct, Network().Kind);
        Assert.Equal(VerdictKind.Correct, Network(dropoutOnRows: true).Kind);
        Assert.Equal(VerdictKind.NotDone, CharRnnChecks.Network(null).Kind);
        Assert.Equal(VerdictKind.NotDone, CharRnnChecks.Network((_, _, _, _) => new CharRnnStub()).Kind);
    }

    [Fact]
    public void Network_mistakes_in_shapes_state_and_dropout_are_not_quite_right()
    {
        var notBatchFirst = Network(batchFirst: false);
        var hardCodedSize = Network(fixedHidden: 512);
        var hardCodedDropout = Network(fixedDrop: 0.5);
        var notFlattened = Network(flatten: false);
        var stateIgnored = Network(useState: false);
        var oldStateReturned = Network(returnNewState: false);
        var noLstmDropout = Network(lstmDropout: false);
        var dropoutOnScores = Network(dropoutOnScores: true);

        Assert.All(new[] { notBatchFirst, hardCodedSize, hardCodedDropout, notFlattened, stateIgnored, oldStateReturned, noLstmDropout, dropoutOnScores },
            v => Assert.StartsWith("✘ Not quite", v.ToString()));
        Assert.Contains("batchFirst: true", notBatchFirst.Message);
        Assert.Contains("the LSTM has 512 units: pass n_hidden on", hardCodedSize.Message);
        Assert.Contains("nn.Dropout(drop_prob)", hardCodedDropout.Message);
        Assert.Contains("one row per character, [10, 7]", notFlattened.Message);
        Assert.Contains("ignores the state it is given", stateIgnored.Message);
        Assert.Contains("returns the state it was given", oldStateReturned.Message);
        Assert.Contains("dropout: drop_prob", noLstmDropout.Message);
        Assert.Contains("dropout is applied to fc's scores", dropoutOnScores.Message);
    }
}
