using DeepLearningCourse.Exercises;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// Section 3's checks: the lesson's answer passes, a stub is "not done yet", and typical wrong
/// answers each get their own hint, computed from the same inputs the lesson uses.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class Section3ChecksTests
{
    public Section3ChecksTests() => TorchFixture.Ensure();

    // ----- Lesson 2: Sobel x

    static readonly float[,] SobelX = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };

    /// <summary>A gray "photo" of whole grey levels with edges in both directions, as ToTensor gives it.</summary>
    static Tensor Gray()
    {
        var levels = torch.randint(0, 256, [1, 12, 16], generator: new Generator(5)).to_type(ScalarType.Float32);
        levels[.., 4.., 8..] = torch.tensor(230f);
        return levels / 255;
    }

    /// <summary>Filter2D by hand: border mirrored without repeating the edge pixel, rounded, cut to bytes.</summary>
    static Tensor Filtered(Tensor gray, float[,] kernel)
    {
        var pixels = (gray[0] * 255).round();
        var (h, w, kh, kw) = (pixels.shape[0], pixels.shape[1], kernel.GetLength(0), kernel.GetLength(1));
        long Mirror(long i, long n) => i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
        var output = torch.zeros(1, h, w);
        for (long y = 0; y < h; y++)
            for (long x = 0; x < w; x++)
            {
                float sum = 0;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += kernel[i, j] * pixels[Mirror(y + i - kh / 2, h), Mirror(x + j - kw / 2, w)].item<float>();
                output[0, y, x] = torch.tensor(Math.Clamp(MathF.Round(sum), 0, 255) / 255);
            }
        return output;
    }

    [Fact]
    public void Sobel_x_gets_a_hint_for_each_typical_mistake()
    {
        var gray = Gray();
        Assert.Equal(VerdictKind.NotDone, Section3Checks.SobelX(null, gray, null).Kind);
        Assert.Equal(VerdictKind.Correct, Section3Checks.SobelX(SobelX, gray, Filtered(gray, SobelX)).Kind);

        var sobelY = Section3Checks.SobelX(new float[,] { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } }, gray, null);
        var leftMinusRight = Section3Checks.SobelX(new float[,] { { 1, 0, -1 }, { 2, 0, -2 }, { 1, 0, -1 } }, gray, null);
        var middleOnce = Section3Checks.SobelX(new float[,] { { -1, 0, 1 }, { -1, 0, 1 }, { -1, 0, 1 } }, gray, null);
        var notFiltered = Section3Checks.SobelX(SobelX, gray, gray);

        Assert.All(new[] { sobelY, leftMinusRight, middleOnce, notFiltered }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("that is Sobel y", sobelY.Message);
        Assert.Contains("left minus right", leftMinusRight.Message);
        Assert.Contains("middle row is counted once", middleOnce.Message);
        Assert.Contains("filtered_x is not gray filtered with it", notFiltered.Message);
    }

    [Fact]
    public void An_own_kernel_must_be_five_by_five_and_sum_to_zero()
    {
        var gray = Gray();
        var diagonal = new float[,] { { -2, -1, -1, -1, 0 }, { -1, -2, -1, 0, 1 }, { -1, -1, 0, 1, 1 }, { -1, 0, 1, 2, 1 }, { 0, 1, 1, 1, 2 } };
        var correct = Section3Checks.OwnKernel(diagonal, gray, Filtered(gray, diagonal));
        Assert.Equal(VerdictKind.Correct, correct.Kind);
        Assert.Contains("downwards and to the right", correct.Message);

        Assert.Contains("this exercise asks for 5×5", Section3Checks.OwnKernel(SobelX, gray, null).Message);
        var bright = (float[,])diagonal.Clone();
        bright[2, 2] = 3;
        Assert.Contains("the weights sum to 3", Section3Checks.OwnKernel(bright, gray, null).Message);
        Assert.Contains("every weight is 0", Section3Checks.OwnKernel(new float[5, 5], gray, null).Message);
    }

    [Fact]
    public void Blur_then_edges_gets_a_hint_for_each_typical_mistake()
    {
        var gray = Gray();
        var sobelY = new float[,] { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } };
        var average = new float[3, 3];
        var ones = new float[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                (average[i, j], ones[i, j]) = (1 / 9f, 1);
        var blurred = Filtered(gray, average);

        Assert.Equal(VerdictKind.NotDone, Section3Checks.BlurThenEdges(null, sobelY, gray, null, null).Kind);
        Assert.Equal(VerdictKind.Correct, Section3Checks.BlurThenEdges(average, sobelY, gray, blurred, Filtered(blurred, sobelY)).Kind);

        var notAveraged = Section3Checks.BlurThenEdges(ones, sobelY, gray, null, null);
        var notEqual = Section3Checks.BlurThenEdges(new float[,] { { 0, 0.125f, 0 }, { 0.125f, 0.5f, 0.125f }, { 0, 0.125f, 0 } }, sobelY, gray, null, null);
        var notBlurred = Section3Checks.BlurThenEdges(average, sobelY, gray, gray, null);
        var sharpEdges = Section3Checks.BlurThenEdges(average, sobelY, gray, blurred, Filtered(gray, sobelY));

        Assert.All(new[] { notAveraged, notEqual, notBlurred, sharpEdges }, v => Assert.StartsWith("✘ Not quite", v.ToString()));
        Assert.Contains("the weights sum to 9", notAveraged.Message);
        Assert.Contains("all weights are the same", notEqual.Message);
        Assert.Contains("blurred is not gray filtered with your kernel", notBlurred.Message);
        Assert.Contains("filter blurred, not gray", sharpEdges.Message);
    }

    // ----- Lesson 4: the CNN

    sealed class Cnn : nn.Module<Tensor, Tensor>
    {
        public Conv2d conv1, conv2, conv3;
        public MaxPool2d pool = nn.MaxPool2d(2, 2);
        public Linear fc1, fc2;
        public Dropout dropout;
        readonly bool logSoftmax, convReLU, fcReLU, dropoutOnScores;

        public Cnn(long padding = 1, long flattened = 1024, bool logSoftmax = false, bool convReLU = true, bool fcReLU = true, bool dropoutOnScores = false,
            double dropout = 0.25) : base("Cnn")
        {
            this.dropout = nn.Dropout(dropout);
            conv1 = nn.Conv2d(3, 16, 3, padding: padding);
            conv2 = nn.Conv2d(16, 32, 3, padding: padding);
            conv3 = nn.Conv2d(32, 64, 3, padding: padding);
            fc1 = nn.Linear(flattened, 500);
            fc2 = nn.Linear(500, 10);
            (this.logSoftmax, this.convReLU, this.fcReLU, this.dropoutOnScores) = (logSoftmax, convReLU, fcReLU, dropoutOnScores);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor Conv(Conv2d conv, Tensor input) => convReLU ? F.relu(conv.call(input)) : conv.call(input);
            x = pool.call(Conv(conv1, x));
            x = pool.call(Conv(conv2, x));
            x = pool.call(Conv(conv3, x));
            x = dropout.call(x.view(x.shape[0], -1));
            var hidden = fcReLU ? F.relu(fc1.call(x)) : fc1.call(x);
            x = dropoutOnScores ? dropout.call(fc2.call(hidden)) : fc2.call(dropout.call(hidden));
            return logSoftmax ? F.log_softmax(x, 1) : x;
        }
    }

    [Fact]
    public void The_cnn_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, Section3Checks.Cnn(null).Kind);
        Assert.Equal(VerdictKind.Correct, Section3Checks.Cnn(new Cnn()).Kind);

        var noPadding = Section3Checks.Cnn(new Cnn(padding: 0));
        var flattened = Section3Checks.Cnn(new Cnn(flattened: 64 * 8 * 8));
        var logProbabilities = Section3Checks.Cnn(new Cnn(logSoftmax: true));

        Assert.Equal("conv1's output [20, 16, 32, 32] expected, got [20, 16, 30, 30]: did you forget padding: 1? With 3×3 filters it keeps height and width.", noPadding.Message);
        Assert.Contains("flattened size 1024 expected", flattened.Message);
        Assert.Contains("fc1 takes 4096 inputs", flattened.Message);
        Assert.Contains("nn.CrossEntropyLoss applies the log-softmax itself", logProbabilities.Message);
    }

    [Fact]
    public void A_cnn_without_its_relus_or_with_dropout_in_another_place_is_not_quite_right()
    {
        var noReLU = Section3Checks.Cnn(new Cnn(convReLU: false, fcReLU: false));
        var noConvReLU = Section3Checks.Cnn(new Cnn(convReLU: false));
        var noFcReLU = Section3Checks.Cnn(new Cnn(fcReLU: false));
        var dropoutOnScores = Section3Checks.Cnn(new Cnn(dropoutOnScores: true));

        Assert.All(new[] { noReLU, noConvReLU, noFcReLU, dropoutOnScores }, v => Assert.StartsWith("✘ Not quite", v.ToString()));
        Assert.Contains("no ReLU at all", noReLU.Message);
        Assert.Contains("convolutions are not followed by a ReLU", noConvReLU.Message);
        Assert.Contains("fc1 is not followed by a ReLU", noFcReLU.Message);
        Assert.Contains("dropout is not where the table puts it", dropoutOnScores.Message);
    }

    [Fact]
    public void The_loss_and_optimiser_must_be_cross_entropy_and_sgd_over_the_model()
    {
        var model = new Cnn();
        Assert.Equal(VerdictKind.Correct, Section3Checks.LossAndOptimizer(nn.CrossEntropyLoss(), optim.SGD(model.parameters(), learningRate: 0.01), model).Kind);
        Assert.Contains("NLLLoss expects log-probabilities", Section3Checks.LossAndOptimizer(nn.NLLLoss(), optim.SGD(model.parameters(), learningRate: 0.01), model).Message);
        Assert.Contains("plain stochastic gradient descent", Section3Checks.LossAndOptimizer(nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr: 0.01), model).Message);
        Assert.Contains("the learning rate is 0.1", Section3Checks.LossAndOptimizer(nn.CrossEntropyLoss(), optim.SGD(model.parameters(), learningRate: 0.1), model).Message);
        Assert.Contains("does not hold the model's parameters", Section3Checks.LossAndOptimizer(nn.CrossEntropyLoss(), optim.SGD(new Cnn().parameters(), learningRate: 0.01), model).Message);
    }

    // ----- Lesson 6: initialisations

    static Action<nn.Module> Init(Action<Linear> set) => m =>
    {
        if (m is Linear linear)
        {
            using var _ = torch.no_grad();
            set(linear);
            linear.bias!.fill_(0);
        }
    };

    [Fact]
    public void Uniform_weights_get_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("uniform (test)", () => Section3Checks.UniformWeights(_ => throw new NotImplementedException(), 0, 1)).Kind);
        Assert.Equal(VerdictKind.Correct, Section3Checks.UniformWeights(Init(l => l.weight!.uniform_(0.0, 1.0)), 0, 1).Kind);

        var filled = Section3Checks.UniformWeights(Init(l => l.weight!.fill_(0.5)), 0, 1);
        var centred = Section3Checks.UniformWeights(Init(l => l.weight!.uniform_(-0.5, 0.5)), 0, 1);
        var untouched = Section3Checks.UniformWeights(m => { }, 0, 1);
        var randomBias = Section3Checks.UniformWeights(m => { if (m is Linear l) using (torch.no_grad()) l.weight!.uniform_(0.0, 1.0); }, 0, 1);

        Assert.Equal("all weights are equal (0.5): uniform_ between 0 and 1 was asked for; did you fill_?", filled.Message);
        Assert.Contains("none should be negative", centred.Message);
        Assert.Contains("like TorchSharp's defaults", untouched.Message);
        Assert.Contains("the biases are not 0", randomBias.Message);
    }

    [Fact]
    public void The_general_rule_names_the_wrong_scale()
    {
        Assert.Equal(VerdictKind.Correct, Section3Checks.UniformRule(Init(l => { var y = 1 / Math.Sqrt(l.in_features); l.weight!.uniform_(-y, y); })).Kind);
        Assert.Equal(VerdictKind.Correct, Section3Checks.NormalRule(Init(l => l.weight!.normal_(0, 1 / Math.Sqrt(l.in_features)))).Kind);

        var outputs = Section3Checks.UniformRule(Init(l => { var y = 1 / Math.Sqrt(l.out_features); l.weight!.uniform_(-y, y); }));
        var noRoot = Section3Checks.UniformRule(Init(l => { var y = 1.0 / l.in_features; l.weight!.uniform_(-y, y); }));
        var normalInstead = Section3Checks.UniformRule(Init(l => l.weight!.normal_(0, 1 / Math.Sqrt(l.in_features) / Math.Sqrt(3) * 1.0)));
        var uniformInstead = Section3Checks.NormalRule(Init(l => { var y = Math.Sqrt(3) / Math.Sqrt(l.in_features); l.weight!.uniform_(-y, y); }));

        Assert.Contains("n is the number of inputs, linear.in_features, not out_features", outputs.Message);
        Assert.Contains("take the square root", noRoot.Message);
        Assert.Contains("as a uniform draw does", uniformInstead.Message);
        Assert.Equal(VerdictKind.Wrong, normalInstead.Kind);
    }

    [Fact]
    public void Constant_weights_must_use_the_value_given()
    {
        Action<nn.Module> Constant(double value, double weight, double bias) => m =>
        {
            if (m is Linear l) using (torch.no_grad()) { l.weight!.fill_(weight); l.bias!.fill_(bias); }
        };
        Assert.Equal(VerdictKind.Correct, Section3Checks.ConstantWeights(v => Constant(v, v, 0)).Kind);
        Assert.Contains("use the parameter", Section3Checks.ConstantWeights(v => Constant(v, 0, 0)).Message);
        Assert.Contains("the biases are not 0", Section3Checks.ConstantWeights(v => Constant(v, v, v)).Message);
        Assert.Contains("left the weights random", Section3Checks.ConstantWeights(v => m => { }).Message);
    }

    // ----- Lesson 1: the MLP

    sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        public Linear fc1 = nn.Linear(784, 512), fc2 = nn.Linear(512, 512), fc3 = nn.Linear(512, 10);
        public Dropout dropout;
        readonly bool relu, useDropout;

        public Mlp(bool relu = true, bool useDropout = true, double p = 0.2) : base("Mlp")
        {
            dropout = nn.Dropout(p);
            (this.relu, this.useDropout) = (relu, useDropout);
            RegisterComponents();
        }

        Tensor Hidden(Linear layer, Tensor x)
        {
            x = layer.call(x);
            if (relu) x = F.relu(x);
            return useDropout ? dropout.call(x) : x;
        }

        public override Tensor forward(Tensor x) => fc3.call(Hidden(fc2, Hidden(fc1, x.view(-1, 784))));
    }

    [Fact]
    public void The_mlp_names_a_missing_relu_or_unused_dropout()
    {
        Assert.Equal(VerdictKind.Correct, Section3Checks.Mlp(new Mlp()).Kind);
        Assert.Contains("a ReLU is missing", Section3Checks.Mlp(new Mlp(relu: false)).Message);
        Assert.Contains("call dropout.call(...)", Section3Checks.Mlp(new Mlp(useDropout: false)).Message);
    }

    [Fact]
    public void A_dropout_probability_other_than_the_exercise_s_is_not_quite_right()
    {
        // The probability was read from a field TorchSharp does not have, so any p passed
        var mlp = Section3Checks.Mlp(new Mlp(p: 0.5));
        var cnn = Section3Checks.Cnn(new Cnn(dropout: 0.5));

        Assert.Equal("✘ Not quite: dropout has p = 0.5; this exercise asks for p = 0.2.", mlp.ToString());
        Assert.Equal("✘ Not quite: dropout has p = 0.5; this exercise asks for p = 0.25.", cnn.ToString());
    }
}
