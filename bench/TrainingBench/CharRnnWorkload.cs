using DeepLearningCourse;
using DeepLearningCourse.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Measurements;

/// <summary>
/// Section 4's LSTM training step (batch 128 × 100 characters, 512 × 2 LSTM, Adam, clipping at 5), the lesson's
/// path against the floor; and the lesson's memory claim: peak RSS flat over epochs of its loop. The library path
/// is the lesson's own loop: batches from an iterator that frees each one when the loop moves on, a dispose scope
/// per step, the state detached and moved out of the step, taken back in (Attach) and freed one step later.
/// The floor: the same network and optimiser over one-hot batches built before the clock starts. Library and floor
/// steps are timed in turn, as <see cref="Measurements.Interleaved"/> times epochs (timed one side after the other,
/// the library's steps right after the memory epochs, the library had come out 6% slower; in turn, between 6% faster
/// and 3% slower). Both run with the 4 MB mmap threshold that loading the novel sets, which keeps the library's
/// 2 MB where libtorch gets huge pages.
/// </summary>
static class CharRnnWorkload
{
    const int BatchSize = 128, SeqLength = 100, Hidden = 512, Layers = 2;
    const string Name = "LSTM training step (batch 128 × 100)";

    public static void Measure(Device device, int runs)
    {
        // Loading the novel sets the lesson's 4 MB mmap threshold for the process; Program runs this workload last
        var corpus = Datasets.AnnaKarenina();
        var chars = corpus.Text.Distinct().Order().ToArray();
        var index = chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        // Memory is checked over whole epochs of the lesson's training text (its first 90%), as the lesson runs them
        // (about 12 minutes for the five here): over a tenth of an epoch each, the growth of the resident memory from one
        // epoch to the next was hidden in the first epochs' ups and downs
        var text = corpus.Text[..(int)(corpus.Text.Length * 0.9)].Select(c => index[c]).ToArray();
        var stepsPerEpoch = text.Length / (BatchSize * SeqLength);
        Console.WriteLine($"== {Name}: {corpus}; {chars.Length} characters in the vocabulary; memory epochs of {stepsPerEpoch} steps");

        torch.manual_seed(7);
        var net = new CharRnn(chars.Length).to(device);
        var optimizer = optim.Adam(net.parameters(), lr: 0.001);
        var criterion = nn.CrossEntropyLoss();

        // One training step as the lesson writes it, from a batch the caller provides inside the step's scope (so its
        // preparation is timed and freed with the step); the state comes in and goes out detached.
        (Tensor h, Tensor c) Step(Func<(Tensor inputs, Tensor targets)> batch, (Tensor h, Tensor c) h)
        {
            using var step = NewDisposeScope();
            step.Attach(h.h, h.c);
            var (inputs, targets) = batch();
            optimizer.zero_grad();
            var (output, next) = net.call(inputs, h);
            var loss = criterion.call(output, targets);
            loss.backward();
            nn.utils.clip_grad_norm_(net.parameters(), 5);
            optimizer.step();
            _ = loss.item<float>();
            return step.MoveToOuter(next.h.detach(), next.c.detach());
        }

        // The lesson's loop: batches cut, one-hot encoded and moved to the device as the loop goes, epoch after epoch.
        IEnumerable<Func<(Tensor, Tensor)>> LessonBatches() => Batches(text, BatchSize, SeqLength).Select(b =>
            (Func<(Tensor, Tensor)>)(() => (nn.functional.one_hot(b.x, chars.Length).to(float32).to(device), b.y.to(device).reshape(-1))));

        // One epoch of the lesson's loop, untimed, for the memory check.
        void Epoch(int? maxSteps = null)
        {
            var h = net.InitHidden(BatchSize, device);
            foreach (var batch in LessonBatches().Take(maxSteps ?? int.MaxValue)) h = Step(batch, h);
            h.h.Dispose();
            h.c.Dispose();
        }

        Epoch(maxSteps: 1);   // warm-up
        var (peaks, live) = MemoryRuns("lesson loop epoch", () => Epoch());

        // The floor: the same steps over batches made up front (used in turn when the library needs more steps than these).
        var prepared = Batches(text, BatchSize, SeqLength).Take(runs)
            .Select(b => (nn.functional.one_hot(b.x, chars.Length).to(float32).to(device).DetachFromDisposeScope(), b.y.to(device).reshape(-1).DetachFromDisposeScope()))
            .ToList();

        // Library and floor steps interleaved, each side with its own state, as Compare times epochs.
        var libraryState = net.InitHidden(BatchSize, device);
        var floorState = net.InitHidden(BatchSize, device);
        using var lessonBatches = Enumerable.Repeat(0, int.MaxValue).SelectMany(_ => LessonBatches()).GetEnumerator();
        var floorSteps = 0;
        var (library, floor) = Interleaved(
            () =>
            {
                lessonBatches.MoveNext();
                var batch = lessonBatches.Current;
                return Time(() => libraryState = Step(batch, libraryState));
            },
            () =>
            {
                var (inputs, targets) = prepared[floorSteps++ % prepared.Count];
                return Time(() => floorState = Step(() => (inputs, targets), floorState));
            }, runs);
        ReportSpeed(Name, "step", library, floor);
        ReportMemory(Name, $"epoch of the lesson loop ({stepsPerEpoch} batches)", peaks, live);
        foreach (var state in new[] { libraryState, floorState }) { state.h.Dispose(); state.c.Dispose(); }
        foreach (var (inputs, targets) in prepared) { inputs.Dispose(); targets.Dispose(); }
    }

    /// <summary>The lesson's get_batches: rows of consecutive text, a window sliding along them, targets one ahead.</summary>
    static IEnumerable<(Tensor x, Tensor y)> Batches(long[] arr, int batchSize, int seqLength)
    {
        var total = batchSize * seqLength;
        var n = arr.Length / total;
        using var kept = torch.frombuffer(arr, int64, count: n * total);
        using var rows = kept.view(batchSize, n * seqLength);
        using var next = rows.roll(-1, 1);
        for (long c = 0; c < rows.shape[1]; c += seqLength)
        {
            var x = rows[.., (int)c..(int)(c + seqLength)];
            var y = next[.., (int)c..(int)(c + seqLength)];
            // Freed when the loop moves on, or when it stops here (the warm-up's single step, the timed steps' last).
            try { yield return (x, y); }
            finally
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }

    /// <summary>The lesson's CharRNN: LSTM 512 × 2 with dropout 0.5, dropout, a linear layer to the vocabulary.</summary>
    sealed class CharRnn : nn.Module<Tensor, (Tensor h, Tensor c), (Tensor output, (Tensor h, Tensor c) hidden)>
    {
        readonly LSTM lstm;
        readonly Dropout dropout = nn.Dropout(0.5);
        readonly Linear fc;

        public CharRnn(int vocabulary) : base(nameof(CharRnn))
        {
            lstm = nn.LSTM(vocabulary, Hidden, Layers, batchFirst: true, dropout: 0.5);
            fc = nn.Linear(Hidden, vocabulary);
            RegisterComponents();
        }

        public override (Tensor output, (Tensor h, Tensor c) hidden) forward(Tensor x, (Tensor h, Tensor c) hidden)
        {
            var (output, h, c) = lstm.call(x, hidden);
            return (fc.call(dropout.call(output).contiguous().view(-1, Hidden)), (h, c));
        }

        public (Tensor h, Tensor c) InitHidden(long batch, Device device) =>
            (torch.zeros(Layers, batch, Hidden, device: device), torch.zeros(Layers, batch, Hidden, device: device));
    }
}
