using DeepLearningCourse.Exercises;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// The autoencoder exercises of Section 3: a learner's typical wrong networks and training figures get
/// different, correct hints; the right answer passes; a stub is "not done yet".
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class AutoencoderChecksTests
{
    public AutoencoderChecksTests() => TorchFixture.Ensure();

    /// <summary>Lesson 7's network, or one of its typical mistakes.</summary>
    sealed class Linear2 : nn.Module<Tensor, Tensor>
    {
        public Linear fc1;
        public Linear fc2;
        readonly bool relu, sigmoid;

        public Linear2(int code, bool relu = true, bool sigmoid = true) : base(nameof(Linear2))
        {
            fc1 = nn.Linear(784, code);
            fc2 = nn.Linear(code, 784);
            (this.relu, this.sigmoid) = (relu, sigmoid);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var code = fc1.call(x);
            var y = fc2.call(relu ? F.relu(code) : code);
            return sigmoid ? F.sigmoid(y) : y;
        }
    }

    /// <summary>Lesson 8's network, or one of its typical mistakes.</summary>
    sealed class Conv : nn.Module<Tensor, Tensor>
    {
        public Conv2d conv1, conv2;
        public MaxPool2d pool = nn.MaxPool2d(2, 2);
        public ConvTranspose2d t_conv1, t_conv2;
        readonly bool encoderReLU, sigmoid;

        public Conv(int padding = 1, int stride = 2, bool encoderReLU = true, bool sigmoid = true) : base(nameof(Conv))
        {
            conv1 = nn.Conv2d(1, 16, 3, padding: padding);
            conv2 = nn.Conv2d(16, 4, 3, padding: padding);
            t_conv1 = nn.ConvTranspose2d(4, 16, 2, stride: stride);
            t_conv2 = nn.ConvTranspose2d(16, 1, 2, stride: 2);
            (this.encoderReLU, this.sigmoid) = (encoderReLU, sigmoid);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor Act(Tensor t) => encoderReLU ? F.relu(t) : t;
            x = pool.call(Act(conv1.call(x)));
            x = pool.call(Act(conv2.call(x)));
            x = t_conv2.call(F.relu(t_conv1.call(x)));
            return sigmoid ? F.sigmoid(x) : x;
        }
    }

    /// <summary>A stub as the exercises notebook gives it: no layers, forward not written.</summary>
    sealed class Stub : nn.Module<Tensor, Tensor>
    {
        public Stub() : base(nameof(Stub)) => RegisterComponents();
        public override Tensor forward(Tensor x) => throw new NotImplementedException();
    }

    [Fact]
    public void The_linear_autoencoder_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, AutoencoderChecks.LinearAutoencoder(null, 32).Kind);
        Assert.Equal(VerdictKind.NotDone, AutoencoderChecks.LinearAutoencoder(new Stub(), 32).Kind);
        Assert.Equal(VerdictKind.Correct, AutoencoderChecks.LinearAutoencoder(new Linear2(32), 32).Kind);

        var codeSize = AutoencoderChecks.LinearAutoencoder(new Linear2(64), 32);
        var noSigmoid = AutoencoderChecks.LinearAutoencoder(new Linear2(32, sigmoid: false), 32);
        var noReLU = AutoencoderChecks.LinearAutoencoder(new Linear2(32, relu: false), 32);

        Assert.All(new[] { codeSize, noSigmoid, noReLU }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("encoding_dim = 32", codeSize.Message);
        Assert.Contains("forget the sigmoid", noSigmoid.Message);
        Assert.Contains("skips the ReLU", noReLU.Message);
    }

    [Fact]
    public void The_convolutional_autoencoder_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("conv autoencoder (test)", () => AutoencoderChecks.ConvAutoencoder(new Stub())).Kind);
        Assert.Equal(VerdictKind.Correct, AutoencoderChecks.ConvAutoencoder(new Conv()).Kind);

        var noPadding = AutoencoderChecks.ConvAutoencoder(new Conv(padding: 0));
        var noStride = AutoencoderChecks.ConvAutoencoder(new Conv(stride: 1));
        var noSigmoid = AutoencoderChecks.ConvAutoencoder(new Conv(sigmoid: false));
        var noReLU = AutoencoderChecks.ConvAutoencoder(new Conv(encoderReLU: false));

        Assert.All(new[] { noPadding, noStride, noSigmoid, noReLU }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("conv1 turns 28×28 into 26×26: did you forget padding: 1?", noPadding.Message);
        Assert.Contains("t_conv1 turns 7×7 into 8×8: did you forget stride: 2?", noStride.Message);
        Assert.Contains("forget the sigmoid", noSigmoid.Message);
        Assert.Contains("encoder's convolutions are not followed by a ReLU", noReLU.Message);
    }

    [Fact]
    public void The_training_figures_get_a_hint_for_each_typical_mistake()
    {
        // An untrained network on uniform noise: its per-pixel error is about 1/12, the course's figure about 20 times that
        torch.manual_seed(7);
        var model = new Conv();
        var loader = Enumerable.Range(0, 5).Select(_ => (torch.rand(20, 1, 28, 28), torch.zeros(20, ScalarType.Int64))).ToList();
        var perPixel = 1.0 / 12;

        var (criterion, optimizer) = (nn.MSELoss(), optim.Adam(model.parameters(), lr: 0.001));
        Verdict Check(IReadOnlyList<double> losses) => AutoencoderChecks.ReconstructionTraining(losses, criterion, optimizer, model, loader, 3);

        Assert.Equal(VerdictKind.NotDone, Check(new List<double>()).Kind);
        Assert.Equal(VerdictKind.NotDone, AutoencoderChecks.ReconstructionTraining([1.7, 1.0, 0.5], null, null, model, loader, 3).Kind);
        var missingEpochs = Check([1.7]);
        var notWeighted = Check([perPixel, perPixel, perPixel]);
        var notDivided = Check([100 * 20 * perPixel, 100 * 20 * perPixel, 100 * 20 * perPixel]);
        var notFalling = Check([20 * perPixel, 20 * perPixel, 20 * perPixel]);

        Assert.All(new[] { missingEpochs, notWeighted, notDivided, notFalling }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("1 entries for 3 epochs", missingEpochs.Message);
        Assert.Contains("images.shape[0]", notWeighted.Message);
        Assert.Contains("train_loader.Count", notDivided.Message);
        Assert.Contains("did not fall", notFalling.Message);
    }

    [Fact]
    public void The_training_check_looks_at_the_loss_function_the_optimiser_and_its_learning_rate()
    {
        // Figures that would pass on their own: a model that reconstructs perfectly, and a loss that fell
        torch.manual_seed(7);
        var model = new Conv();
        var loader = Enumerable.Range(0, 5).Select(_ => (torch.rand(20, 1, 28, 28), torch.zeros(20, ScalarType.Int64))).ToList();
        Verdict Check(nn.Module<Tensor, Tensor, Tensor> criterion, optim.Optimizer optimizer) =>
            AutoencoderChecks.ReconstructionTraining([1.6, 0.5, 0.2], criterion, optimizer, model, loader, 3);

        var l1 = Check(nn.L1Loss(), optim.Adam(model.parameters(), lr: 0.001));
        var sgd = Check(nn.MSELoss(), optim.SGD(model.parameters(), learningRate: 0.001));
        var rate = Check(nn.MSELoss(), optim.Adam(model.parameters(), lr: 0.01));
        var otherModel = Check(nn.MSELoss(), optim.Adam(new Conv().parameters(), lr: 0.001));

        Assert.All(new[] { l1, sgd, rate, otherModel }, v => Assert.StartsWith("✘ Not quite", v.ToString()));
        Assert.Contains("the criterion is L1Loss", l1.Message);
        Assert.Contains("the optimiser is SGD", sgd.Message);
        Assert.Contains("the learning rate is 0.01; the course uses 0.001 (lr: 0.001)", rate.Message);
        Assert.Contains("does not hold the model's parameters", otherModel.Message);
    }

    [Fact]
    public void The_denoiser_names_a_layer_that_differs_from_its_table()
    {
        Assert.Equal(VerdictKind.NotDone, AutoencoderChecks.Denoiser(null).Kind);
        // Lesson 8's network in place of Lesson 9's: its first layer has 16 channels, not 32
        var lesson8 = AutoencoderChecks.Denoiser(new Conv());
        Assert.Equal(VerdictKind.Wrong, lesson8.Kind);
        Assert.Contains("conv1 maps 1 → 16 channels; the table asks for 1 → 32", lesson8.Message);
    }
}
