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
    public void Evaluate_reports_loss_and_accuracy_per_sample_over_batches_of_unequal_size()
    {
        var (model, trainer) = NewRun(3);
        // 131 samples in batches of 2: 66 batches, more than one group of 50 between read-backs, the last of 1 sample.
        var blobs = new Blobs(131, 3);
        var loader = new DataLoader(blobs, batchSize: 2);

        var measured = trainer.Evaluate(loader);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var all = Enumerable.Range(0, 131).Select(i => blobs.GetTensor(i)).ToList();
        var points = stack(all.Select(item => item["data"]).ToList());
        var labels = stack(all.Select(item => item["label"]).ToList());
        var output = model.call(points);
        Assert.Equal(nn.functional.nll_loss(output, labels).item<float>(), measured.Loss, 1e-5);
        Assert.Equal(output.argmax(1).eq(labels).sum().item<long>() / 131.0, measured.Accuracy!.Value, 1e-12);
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
        Assert.Equal(DeepLearningCourse.Display.Charts.LineWidth, png.Width);
        Assert.NotNull(SkiaSharp.SKBitmap.Decode(png.Bytes));
    }

    /// <summary>A network class whose author forgot RegisterComponents(): its layer is invisible to parameters().</summary>
    sealed class Unregistered : nn.Module<Tensor, Tensor>
    {
        public readonly TorchSharp.Modules.Linear Layer = nn.Linear(2, 3);

        public Unregistered() : base(nameof(Unregistered)) { }

        public override Tensor forward(Tensor input) => Layer.call(input);
    }

    /// <summary>
    /// Replays fixed batches once per pass; in pass <paramref name="poisonedPass"/> (every pass when null) the inputs of batch
    /// <paramref name="poisonedBatch"/> (1-based) are NaN. Batches are the caller's to free, as with a List.
    /// </summary>
    sealed class Replay(IReadOnlyList<(Tensor Data, Tensor Labels)> batches, int? poisonedPass, int poisonedBatch) : IEnumerable<(Tensor Data, Tensor Labels)>
    {
        int passes;

        /// <summary>Batches handed out so far, over all passes.</summary>
        public int Served { get; private set; }

        public IEnumerator<(Tensor Data, Tensor Labels)> GetEnumerator()
        {
            passes++;
            for (int i = 0; i < batches.Count; i++)
            {
                Served++;
                yield return (poisonedPass ?? passes) == passes && i + 1 == poisonedBatch
                    ? (full_like(batches[i].Data, double.NaN), batches[i].Labels)
                    : batches[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    static List<(Tensor Data, Tensor Labels)> Batches(int count, int seed) =>
        Loader(count, seed, shuffle: false).Select(b => (b.Data.clone(), b.Labels.clone())).ToList();

    [Fact]
    public void A_model_whose_layers_were_never_registered_is_refused_with_the_fix()
    {
        var model = new Unregistered();
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, nn.NLLLoss(), optim.SGD(model.Layer.parameters(), 0.1), CPU));
        Assert.Equal("model", error.ParamName);
        Assert.Contains("RegisterComponents()", error.Message);
    }

    [Fact]
    public void A_fully_frozen_model_is_refused()
    {
        var model = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(1));
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;

        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, nn.NLLLoss(), optim.SGD(model.parameters(), 0.1), CPU));
        Assert.Contains("no trainable parameters", error.Message);
        Assert.Contains("frozen", error.Message);
        Assert.Contains("RegisterComponents()", error.Message);
    }

    [Fact]
    public void An_optimizer_over_another_models_parameters_is_refused()
    {
        var model = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(1));
        var other = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(1));

        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, nn.NLLLoss(), optim.SGD(other.parameters(), 0.1), CPU));
        Assert.Equal("optimizer", error.ParamName);
        Assert.Contains("none of the model's trainable parameters", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Fewer_than_one_epoch_is_refused(int epochs)
    {
        var (_, trainer) = NewRun(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Loader(64, 1, shuffle: false), epochs, log: TextWriter.Null));
        Assert.Equal("epochs", error.ParamName);
        Assert.Contains($"got {epochs}", error.Message);
    }

    [Fact]
    public void A_loss_that_stops_being_a_number_stops_training_and_names_the_epoch_and_batch()
    {
        var (_, trainer) = NewRun(2);
        var batches = Batches(160, 2);
        var log = new StringWriter();

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(new Replay(batches, poisonedPass: 2, poisonedBatch: 3), 4, log: log));

        Assert.Equal(2, error.Epoch);
        Assert.Equal(3, error.Batch);
        Assert.True(double.IsNaN(error.Loss));
        Assert.Contains("epoch 2, batch 3", error.Message);
        Assert.Contains("learning rate", error.Message);
        // Epoch 1 finished and was reported; epoch 2 was not, and a last line says how training ended.
        var lines = log.ToString().TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Stopped in epoch 2 by TrainingDivergedException: the model holds the weights it had when it stopped", lines[2]);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(50)]
    [InlineData(53)]
    public void In_a_long_epoch_a_loss_that_stops_being_a_number_is_caught_within_fifty_batches_and_named(int poisonedBatch)
    {
        var (_, trainer) = NewRun(2);
        var replay = new Replay(Batches(32 * 160, 2), poisonedPass: 1, poisonedBatch);

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(replay, 2, log: TextWriter.Null));

        Assert.Equal(1, error.Epoch);
        Assert.Equal(poisonedBatch, error.Batch);
        Assert.True(double.IsNaN(error.Loss));
        // The loss sums are read back every 50 batches, so training stopped well before the 160-batch epoch ended.
        Assert.InRange(replay.Served, poisonedBatch, poisonedBatch + 49);
    }

    [Fact]
    public void A_validation_loss_that_is_not_a_number_is_never_the_best()
    {
        var history = new TrainingHistory(5);
        history.Add(new EpochResult(1, 1.0, null, double.NaN, null, TimeSpan.Zero));
        Assert.Equal(0, history.BestEpoch);
        Assert.Null(history.Best);
        history.Add(new EpochResult(2, 0.9, null, 0.8, null, TimeSpan.Zero));
        history.Add(new EpochResult(3, 0.8, null, double.NaN, null, TimeSpan.Zero));
        history.Add(new EpochResult(4, 0.7, null, double.NegativeInfinity, null, TimeSpan.Zero));
        Assert.Equal(2, history.BestEpoch);
        history.Add(new EpochResult(5, 0.6, null, 0.5, null, TimeSpan.Zero));
        Assert.Equal(5, history.BestEpoch);
        Assert.Equal(0.5, history.Best!.ValidLoss);
    }

    [Fact]
    public void Keeping_the_best_weights_skips_an_epoch_whose_validation_loss_is_not_a_number()
    {
        var (_, trainer) = NewRun(3);
        var trainloader = Loader(320, 3, shuffle: true);
        // The first epoch's validation is poisoned: a NaN taken as the first best would never be beaten,
        // since nothing compares as less than NaN.
        var validloader = new Replay(Batches(96, 4), poisonedPass: 1, poisonedBatch: 1);

        var history = trainer.Fit(trainloader, 3, validloader, keepBest: true, log: TextWriter.Null);

        Assert.True(double.IsNaN(history.Epochs[0].ValidLoss!.Value));
        Assert.NotEqual(1, history.BestEpoch);
        Assert.Equal(history.BestEpoch, history.RestoredEpoch);
        Assert.Equal(history.Epochs.Skip(1).Min(e => e.ValidLoss), history.Best!.ValidLoss);
        Assert.Equal(history.Best.ValidLoss!.Value, trainer.Evaluate(validloader).Loss, 5);
    }

    /// <summary>Replays fixed batches once per pass and, on reaching batch <paramref name="atBatch"/> of pass <paramref name="atPass"/>, runs <paramref name="act"/> (which throws, or cancels).</summary>
    sealed class Interrupting(IReadOnlyList<(Tensor Data, Tensor Labels)> batches, int atPass, int atBatch, Action act) : IEnumerable<(Tensor Data, Tensor Labels)>
    {
        int passes;

        public IEnumerator<(Tensor Data, Tensor Labels)> GetEnumerator()
        {
            passes++;
            for (int i = 0; i < batches.Count; i++)
            {
                if (passes == atPass && i + 1 == atBatch) act();
                yield return batches[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    static bool AllFinite(nn.Module model) => model.parameters().All(p => p.isfinite().all().item<bool>());

    [Fact]
    public void An_error_in_an_epoch_leaves_the_best_weights_so_far_and_the_history_with_the_error()
    {
        // Before, the model kept the weights of the steps taken in epoch 3 before the error, and the history was lost.
        var (model, trainer) = NewRun(4);
        var validloader = Loader(96, 5, shuffle: false);
        var trainloader = new Interrupting(Batches(320, 4), atPass: 3, atBatch: 4, () => throw new IOException("the disk went away"));
        var log = new StringWriter();

        var error = Assert.Throws<IOException>(() => trainer.Fit(trainloader, 5, validloader, keepBest: true, log: log));

        var history = Assert.IsType<TrainingHistory>(error.Data[nameof(TrainingHistory)]);
        Assert.Same(history, trainer.History);
        Assert.Equal(2, history.Epochs.Count);
        Assert.Same(error, history.StoppedBy);
        Assert.Equal(3, history.StoppedInEpoch);
        Assert.Equal(history.BestEpoch, history.RestoredEpoch);
        Assert.Equal(history.Best!.ValidLoss!.Value, trainer.Evaluate(validloader).Loss, 5);
        Assert.StartsWith($"Stopped in epoch 3 by IOException: restored the weights of epoch {history.BestEpoch} (lowest validation loss so far", log.ToString().TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void A_divergence_restores_the_best_finite_weights_kept_so_far()
    {
        // Before, the model was left with the NaN weights of the diverged steps.
        var (model, trainer) = NewRun(6);
        var validloader = Loader(96, 7, shuffle: false);
        var log = new StringWriter();

        var error = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(new Replay(Batches(320, 6), poisonedPass: 3, poisonedBatch: 2), 5, validloader, keepBest: true, log: log));

        Assert.Equal(3, error.Epoch);
        Assert.True(AllFinite(model));
        var history = trainer.History!;
        Assert.Equal(history.BestEpoch, history.RestoredEpoch);
        Assert.Equal(history.Best!.ValidLoss!.Value, trainer.Evaluate(validloader).Loss, 5);
        Assert.Contains("restored the weights of epoch", log.ToString().TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void An_interrupt_restores_the_best_weights_and_says_so_in_one_line()
    {
        // The notebook's stop button cancels the cell's token; a token given to Fit stands in for it here.
        var (_, trainer) = NewRun(8);
        var validloader = Loader(96, 9, shuffle: false);
        using var interrupt = new CancellationTokenSource();
        var trainloader = new Interrupting(Batches(320, 8), atPass: 2, atBatch: 5, interrupt.Cancel);
        var log = new StringWriter();

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(trainloader, 4, validloader, keepBest: true, log: log, cancellationToken: interrupt.Token));

        var history = trainer.History!;
        Assert.Single(history.Epochs);
        Assert.Equal(1, history.RestoredEpoch);
        Assert.Equal(history.Epochs[0].ValidLoss!.Value, trainer.Evaluate(validloader).Loss, 5);
        var last = log.ToString().TrimEnd().Split('\n')[^1];
        Assert.StartsWith("Interrupted in epoch 2: restored the weights of epoch 1", last);
        Assert.Contains("the 1 finished epoch is in trainer.History", last);
    }

    [Fact]
    public void Keeping_the_best_weights_when_no_validation_loss_is_a_number_says_that_none_were_kept()
    {
        // Before, nothing was restored and nothing was said.
        var (_, trainer) = NewRun(3);
        var validloader = new Replay(Batches(96, 4), poisonedPass: null, poisonedBatch: 1);
        var log = new StringWriter();

        var history = trainer.Fit(Loader(320, 3, shuffle: true), 3, validloader, keepBest: true, log: log);

        Assert.All(history.Epochs, e => Assert.True(double.IsNaN(e.ValidLoss!.Value)));
        Assert.Equal(0, history.BestEpoch);
        Assert.Null(history.RestoredEpoch);
        Assert.Equal("Kept no weights: no epoch had a finite validation loss, so the model holds those of the last epoch, 3.", log.ToString().TrimEnd().Split('\n')[^1].TrimEnd());
    }

    [Fact]
    public void A_label_outside_the_models_classes_is_named_instead_of_a_libtorch_trace()
    {
        var (_, trainer) = NewRun(1);
        var batches = Batches(64, 1);
        var labels = batches[1].Labels.clone();
        labels[4] = tensor(3L);
        batches[1] = (batches[1].Data, labels);

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(batches, 1, log: TextWriter.Null));

        Assert.StartsWith("Label 3 (sample 5 of the batch in epoch 1, batch 2) is not a class index NLLLoss can take: the model gives 3 scores per sample, so labels must lie between 0 and 2", error.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(error.InnerException);
        Assert.DoesNotContain("frame #", error.Message);
    }

    [Fact]
    public void Labels_that_are_not_class_indices_are_named_with_their_dtype()
    {
        var (_, trainer) = NewRun(1);
        var batches = Batches(64, 1).Select(b => (b.Data, b.Labels.to(ScalarType.Float32))).ToList();

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(batches, 1, log: TextWriter.Null));

        Assert.StartsWith("NLLLoss takes class indices as Int64 labels, but the labels in epoch 1, batch 1 are Float32 with shape [32]", error.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(error.InnerException);
    }

    [Fact]
    public void Inputs_that_do_not_fit_a_linear_layer_name_the_layer_and_the_widths()
    {
        manual_seed(1);
        var model = nn.Sequential(("fc1", nn.Linear(2, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(8, 3)), ("output", nn.LogSoftmax(1)));
        var trainer = new Trainer(model, nn.NLLLoss(), optim.SGD(model.parameters(), 0.1), CPU);

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Batches(64, 1), 1, log: TextWriter.Null));

        Assert.Equal("The layer 'fc2', Linear(8, 3), expects inputs 8 wide, but in epoch 1, batch 1 its inputs' last dimension is 16 (the batch entered the model as [32, 2]): " +
            "give it in_features 16 to match what comes before it, or change what comes before it.", error.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(error.InnerException);
    }

    [Fact]
    public void Images_given_to_a_linear_layer_unflattened_are_told_to_flatten()
    {
        manual_seed(1);
        var model = nn.Sequential(("fc1", nn.Linear(4, 3)), ("output", nn.LogSoftmax(1)));
        var trainer = new Trainer(model, nn.NLLLoss(), optim.SGD(model.parameters(), 0.1), CPU);
        var images = Batches(64, 1).Select(b => (b.Data.repeat(1, 2).view(-1, 1, 2, 2), b.Labels)).ToList();

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(images, 1, log: TextWriter.Null));

        Assert.Contains("'fc1', Linear(4, 3), expects inputs 4 wide", error.Message);
        Assert.Contains("[32, 1, 2, 2]", error.Message);
        Assert.Contains("flatten each sample first", error.Message);
    }

    /// <summary>
    /// A network that registers its components before its constructor has made them all: fc1 (a field initialiser, run
    /// before the constructor's body) is registered, fc2 is not.
    /// </summary>
    sealed class RegistersTooEarly : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear fc1 = nn.Linear(2, 16);
        readonly TorchSharp.Modules.Linear fc2;

        public RegistersTooEarly() : base(nameof(RegistersTooEarly))
        {
            RegisterComponents();
            fc2 = nn.Linear(16, 3);
        }

        public override Tensor forward(Tensor input) => nn.functional.log_softmax(fc2.call(fc1.call(input).relu()), 1);
    }

    [Fact]
    public void A_layer_made_after_RegisterComponents_is_refused_although_the_rest_of_the_model_trains()
    {
        // Before, the model had parameters (fc1's), so training ran and fc2 never changed.
        var model = new RegistersTooEarly();
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, nn.NLLLoss(), optim.Adam(model.parameters()), CPU));

        Assert.Equal("model", error.ParamName);
        Assert.Contains("the model (RegistersTooEarly) holds fc2", error.Message);
        Assert.DoesNotContain("fc1", error.Message);
        Assert.Contains("RegisterComponents()", error.Message);
    }

    [Fact]
    public void The_course_networks_pass_the_registration_check()
    {
        // Wrappers keep parts of the network they wrap in fields (VggFeatures: features, avgpool); those are registered.
        using var vgg = DeepLearningCourse.Models.Backbone.Create("vgg16", torchvision.models.vgg11(), "random weights (test)");
        var classifier = nn.Sequential(nn.Linear(vgg.OutputWidth, 2), nn.LogSoftmax(1));
        Assert.Null(ModuleRegistration.DescribeUnregistered(nn.Sequential(("features", vgg.Features), ("classifier", classifier))));
        Assert.Null(ModuleRegistration.DescribeUnregistered(new DeepLearningCourse.Models.ResNetFeatures([2, 2, 2, 2])));
        Assert.Null(ModuleRegistration.DescribeUnregistered(new DeepLearningCourse.Models.DenseNet121()));
    }

    [Fact]
    public void An_optimizer_over_an_empty_parameter_list_names_RegisterComponents()
    {
        var model = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(1));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, nn.NLLLoss(), optim.Adam(new Unregistered().parameters()), CPU));
        Assert.Equal("optimizer", error.ParamName);
        Assert.Contains("RegisterComponents()", error.Message);
    }

    [Fact]
    public void The_accuracy_curve_is_a_chart_for_a_classifier_only()
    {
        var (_, trainer) = NewRun(1);
        var history = trainer.Fit(Loader(128, 1, shuffle: true), 2, Loader(64, 2, shuffle: false), log: TextWriter.Null);
        var png = history.AccuracyCurve();
        Assert.Equal(DeepLearningCourse.Display.Charts.LineWidth, png.Width);
        Assert.NotNull(SkiaSharp.SKBitmap.Decode(png.Bytes));

        // A regression: one output per sample, real-valued targets, so no accuracy.
        manual_seed(1);
        var regression = nn.Linear(2, 1);
        var points = randn(64, 2);
        var batches = new List<(Tensor, Tensor)> { (points, points.sum(1, keepdim: true)) };
        var fitted = new Trainer(regression, nn.MSELoss(), optim.SGD(regression.parameters(), 0.1), CPU).Fit(batches, 2, log: TextWriter.Null);

        Assert.All(fitted.Epochs, e => Assert.Null(e.TrainAccuracy));
        var error = Assert.Throws<InvalidOperationException>(() => fitted.AccuracyCurve());
        Assert.Contains("no accuracy", error.Message);
    }
}
