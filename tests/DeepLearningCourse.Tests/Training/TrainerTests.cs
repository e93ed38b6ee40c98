using DeepLearningCourse.Data;
using DeepLearningCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Training;

[Collection(ProcessWideState.Name)]
public class TrainerTests
{
    public TrainerTests() => TorchFixture.Ensure();

    /// <summary>Two Gaussian blobs per class in 2-D: easy to separate, hard enough to need a few epochs.</summary>
    sealed class Blobs : utils.data.Dataset
    {
        readonly Tensor points, labels;

        public Blobs(int count, int seed)
        {
            var generator = new Generator((ulong)seed);
            labels = randint(0, 3, [count], generator: generator);
            var centres = tensor(new float[,] { { -2, 0 }, { 2, 0 }, { 0, 2.5f } });
            points = centres[labels] + randn([count, 2], generator: generator) * 0.8f;
        }

        public override long Count => points.shape[0];

        public override Dictionary<string, Tensor> GetTensor(long index) =>
            new() { ["data"] = points[index], ["label"] = labels[index] };
    }

    static (nn.Module<Tensor, Tensor> Model, Trainer Trainer) NewRun(int seed)
    {
        manual_seed(seed);
        var model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3), nn.LogSoftmax(1));
        var trainer = new Trainer(model, nn.NLLLoss(), optim.SGD(model.parameters(), 0.1), CPU);
        return (model, trainer);
    }

    static DataLoader Loader(int count, int seed, bool shuffle) =>
        new(new Blobs(count, seed), batchSize: 32, shuffle: shuffle, seed: seed);

    [Fact]
    public void Learns_a_separable_problem_and_reports_loss_and_accuracy_per_epoch()
    {
        var (_, trainer) = NewRun(1);
        var history = trainer.Fit(Loader(600, 1, shuffle: true), epochs: 5, validloader: Loader(300, 2, shuffle: false), log: TextWriter.Null);

        Assert.Equal(5, history.Epochs.Count);
        Assert.True(history.Last.TrainLoss < history.Epochs[0].TrainLoss / 2, history.ToString());
        Assert.True(history.Last.ValidAccuracy > 0.85, history.ToString());
        Assert.All(history.Epochs, e => Assert.InRange(e.TrainAccuracy!.Value, 0, 1));
    }

    [Fact]
    public void The_same_seed_gives_the_same_history()
    {
        double[] Losses(int seed)
        {
            var (_, trainer) = NewRun(seed);
            return trainer.Fit(Loader(300, seed, shuffle: true), epochs: 3, log: TextWriter.Null).Epochs.Select(e => e.TrainLoss).ToArray();
        }

        Assert.Equal(Losses(3), Losses(3));
        Assert.NotEqual(Losses(3), Losses(4));
    }

    [Fact]
    public void Keeping_the_best_weights_restores_the_epoch_with_the_lowest_validation_loss()
    {
        var (model, _) = NewRun(5);
        // A learning rate this large makes validation loss jump around, so the best epoch is rarely the last.
        var trainer = new Trainer(model, nn.NLLLoss(), optim.SGD(model.parameters(), 3.0), CPU);
        var validloader = Loader(200, 6, shuffle: false);
        var history = trainer.Fit(Loader(300, 5, shuffle: true), epochs: 8, validloader, keepBest: true, log: TextWriter.Null);

        Assert.Equal(history.Epochs.Min(e => e.ValidLoss), history.Best!.ValidLoss);
        Assert.Equal(history.BestEpoch, history.RestoredEpoch);
        Assert.Equal(history.Best.ValidLoss!.Value, trainer.Evaluate(validloader).Loss, 5);
    }

    [Fact]
    public void Keeping_the_best_weights_needs_validation_data()
    {
        var (_, trainer) = NewRun(1);
        Assert.Throws<ArgumentException>(() => trainer.Fit(Loader(64, 1, shuffle: true), 1, keepBest: true));
    }

    [Fact]
    public void Memory_stays_flat_across_epochs()
    {
        var (_, trainer) = NewRun(7);
        var trainloader = Loader(320, 7, shuffle: true);
        var validloader = Loader(96, 8, shuffle: false);
        trainer.Fit(trainloader, 1, validloader, keepBest: true, log: TextWriter.Null);

        // Let earlier tests' garbage be finalised first, then keep the garbage collector out of the
        // measured run: a tensor left to the finaliser must show up as a leak, not vanish.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = Tensor.TotalCount;
        var noGc = GC.TryStartNoGCRegion(200_000_000);
        try
        {
            trainer.Fit(trainloader, 6, validloader, keepBest: true, log: TextWriter.Null);
            Assert.Equal(live, Tensor.TotalCount);
        }
        finally
        {
            if (noGc) GC.EndNoGCRegion();
        }
    }

    [Fact]
    public void Without_a_notebook_each_epoch_is_one_line()
    {
        var (_, trainer) = NewRun(1);
        var log = new StringWriter();
        trainer.Fit(Loader(128, 1, shuffle: true), 3, Loader(64, 2, shuffle: false), keepBest: true, log: log);

        var lines = log.ToString().TrimEnd().Split('\n');
        Assert.StartsWith("epoch  train loss  train acc  valid loss  valid acc", lines[0]);
        Assert.Equal(["1", "2", "3"], lines[1..4].Select(l => l.Trim().Split(' ')[0]));
        Assert.StartsWith("Kept the weights of epoch", lines[4]);
    }

    [Fact]
    public void The_loss_curve_is_a_chart()
    {
        var (_, trainer) = NewRun(1);
        var history = trainer.Fit(Loader(128, 1, shuffle: true), 2, Loader(64, 2, shuffle: false), log: TextWriter.Null);
        var png = history.LossCurve();
        Assert.Equal(640, png.Width);
        Assert.NotNull(SkiaSharp.SKBitmap.Decode(png.Bytes));
    }
}
