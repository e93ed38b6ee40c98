using DeepLearningCourse.Data;
using DeepLearningCourse.Exercises;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// A learner's typical wrong answers get different, correct hints; the right answer passes; a stub is
/// "not done yet". Each check recomputes the answer from the learner's inputs, so these tests build
/// the same inputs a lesson does.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class Section2ChecksTests
{
    public Section2ChecksTests() => TorchFixture.Ensure();

    static (Tensor Features, Tensor Weights, Tensor Bias) Neuron()
    {
        var generator = new Generator(7);
        return (torch.randn(1, 5, generator: generator), torch.randn(1, 5, generator: generator), torch.randn(1, 1, generator: generator));
    }

    [Fact]
    public void The_neuron_s_output_gets_a_hint_for_each_typical_mistake()
    {
        var (features, weights, bias) = Neuron();
        Tensor activation(Tensor x) => 1 / (1 + torch.exp(-x));

        Assert.Equal(VerdictKind.NotDone, Section2Checks.NeuronOutput(null, features, weights, bias).Kind);
        Assert.Equal(VerdictKind.Correct, Section2Checks.NeuronOutput(activation(torch.sum(features * weights) + bias), features, weights, bias).Kind);

        var noSum = Section2Checks.NeuronOutput(activation(features * weights + bias), features, weights, bias);
        var noActivation = Section2Checks.NeuronOutput(torch.sum(features * weights) + bias, features, weights, bias);
        var noBias = Section2Checks.NeuronOutput(activation(torch.sum(features * weights)), features, weights, bias);

        Assert.All(new[] { noSum, noActivation, noBias }, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("forget to sum", noSum.Message);
        Assert.Contains("before the activation", noActivation.Message);
        Assert.Contains("leaves out the bias", noBias.Message);
    }

    [Fact]
    public void Softmax_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("softmax (test)", () => Section2Checks.Softmax(x => throw new NotImplementedException())).Kind);
        Assert.Equal(VerdictKind.Correct, Section2Checks.Softmax(x => torch.exp(x) / torch.sum(torch.exp(x), dim: 1).view(-1, 1)).Kind);

        var columns = Section2Checks.Softmax(x => torch.exp(x) / torch.sum(torch.exp(x), dim: 0));
        var wholeBatch = Section2Checks.Softmax(x => torch.exp(x) / torch.sum(torch.exp(x)));
        var noView = Exercise.Check("softmax (test)", () => Section2Checks.Softmax(x => torch.exp(x) / torch.sum(torch.exp(x), dim: 1)));

        Assert.Contains("each column sums to 1", columns.Message);
        Assert.Contains("whole batch", wholeBatch.Message);
        Assert.Contains("[64, 1]", noView.Message);
        Assert.Equal(3, new[] { columns.Message, wholeBatch.Message, noView.Message }.Distinct().Count());
    }

    sealed class Layers : nn.Module<Tensor, Tensor>
    {
        public Linear fc1, fc2, fc3;
        readonly Func<Layers, Tensor, Tensor> forwardWith;

        public Layers(Func<Layers, Tensor, Tensor> forward, int hidden2 = 64) : base("Layers")
        {
            fc1 = nn.Linear(784, 128);
            fc2 = nn.Linear(128, hidden2);
            fc3 = nn.Linear(hidden2, 10);
            forwardWith = forward;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => forwardWith(this, x);
    }

    [Fact]
    public void The_relu_network_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.Correct, Section2Checks.ReluNetwork(new Layers((m, x) => F.softmax(m.fc3.call(F.relu(m.fc2.call(F.relu(m.fc1.call(x))))), 1))).Kind);

        var noSoftmax = Section2Checks.ReluNetwork(new Layers((m, x) => m.fc3.call(F.relu(m.fc2.call(F.relu(m.fc1.call(x)))))));
        var wrongDim = Section2Checks.ReluNetwork(new Layers((m, x) => F.softmax(m.fc3.call(F.relu(m.fc2.call(F.relu(m.fc1.call(x))))), 0)));
        var wrongSize = Section2Checks.ReluNetwork(new Layers((m, x) => x, hidden2: 32));
        var noRelu = Section2Checks.ReluNetwork(new Layers((m, x) => F.softmax(m.fc3.call(m.fc2.call(F.relu(m.fc1.call(x)))), 1)));

        Assert.Contains("raw scores", noSoftmax.Message);
        Assert.Contains("dim 0", wrongDim.Message);
        Assert.Contains("fc2 is 128 → 32", wrongSize.Message);
        Assert.Contains("ReLU is missing", noRelu.Message);
    }

    [Fact]
    public void A_matrix_network_multiplied_the_wrong_way_round_is_named()
    {
        var generator = new Generator(3);
        var images = torch.randn(64, 1, 28, 28, generator: generator);
        var (w1, b1, w2, b2) = (torch.randn(784, 256, generator: generator), torch.randn(256, generator: generator), torch.randn(256, 10, generator: generator), torch.randn(10, generator: generator));
        var inputs = images.view(64, -1);
        var right = torch.sigmoid(inputs.mm(w1) + b1).mm(w2) + b2;

        Assert.Equal(VerdictKind.Correct, Section2Checks.MatrixNetwork(right, images, w1, b1, w2, b2).Kind);
        Assert.Contains("shape [64, 10] expected, got [10, 64]: did you multiply in the other order?", Section2Checks.MatrixNetwork(right.t(), images, w1, b1, w2, b2).Message);
        Assert.Contains("went through the sigmoid", Section2Checks.MatrixNetwork(torch.sigmoid(right), images, w1, b1, w2, b2).Message);
        Assert.Contains("no activation", Section2Checks.MatrixNetwork((inputs.mm(w1) + b1).mm(w2) + b2, images, w1, b1, w2, b2).Message);
        Assert.Equal(VerdictKind.NotDone, Section2Checks.MatrixNetwork(null, images, null, null, null, null).Kind);
    }

    [Fact]
    public void A_matrix_network_summed_in_another_order_is_right()
    {
        // Entries near zero are sums of large terms; a product split differently across threads moves them by a
        // few 1e-5 (seen in CI), more than float32 rounding of the small entry itself.
        var generator = new Generator(3);
        var images = torch.randn(64, 1, 28, 28, generator: generator);
        var (w1, b1, w2, b2) = (torch.randn(784, 256, generator: generator), torch.randn(256, generator: generator), torch.randn(256, 10, generator: generator), torch.randn(10, generator: generator));
        var right = torch.sigmoid(images.view(64, -1).mm(w1) + b1).mm(w2) + b2;
        var nearZero = right.abs().min().item<float>();
        Assert.True(nearZero < 0.1f, $"the data has no entry near zero (smallest {nearZero})");

        Assert.Equal(VerdictKind.Correct, Section2Checks.MatrixNetwork(right + 3e-5, images, w1, b1, w2, b2).Kind);
        Assert.Equal(VerdictKind.Wrong, Section2Checks.MatrixNetwork(right + 0.05, images, w1, b1, w2, b2).Kind);
    }

    [Fact]
    public void A_training_loop_that_forgets_a_step_gets_the_hint_for_it()
    {
        torch.manual_seed(1);
        // Two separable classes of 784 values, flattened, as in Part 3.
        var data = torch.cat([torch.randn(64, 784) + 0.1, torch.randn(64, 784) - 0.1]);
        var labels = torch.cat([torch.zeros(64, ScalarType.Int64), torch.ones(64, ScalarType.Int64)]);
        var loader = new[] { (data, labels) };
        Sequential Model() => nn.Sequential(nn.Linear(784, 2), nn.LogSoftmax(1));

        List<double> Train(Sequential model, bool zeroGrad = true, bool step = true, bool mean = true)
        {
            var optimizer = optim.SGD(model.parameters(), learningRate: 0.01);
            var losses = new List<double>();
            for (var epoch = 0; epoch < 3; epoch++)
            {
                if (zeroGrad) optimizer.zero_grad();
                var loss = F.nll_loss(model.call(data), labels);
                loss.backward();
                if (step) optimizer.step();
                losses.Add(loss.item<float>() * (mean ? 1 : 200));
            }
            return losses;
        }

        var good = Model();
        Assert.Equal(VerdictKind.Correct, Section2Checks.TrainingLosses(Train(good), good, loader, 3, flatten: true).Kind);
        Assert.Equal(VerdictKind.NotDone, Section2Checks.TrainingLosses(new List<double>(), Model(), loader, 3, flatten: true).Kind);

        var noStep = Model();
        Assert.Contains("is the optimizer stepping", Section2Checks.TrainingLosses(Train(noStep, step: false), noStep, loader, 3, flatten: true).Message);
        var sums = Model();
        Assert.Contains("divide running_loss by trainloader.Count", Section2Checks.TrainingLosses(Train(sums, mean: false), sums, loader, 3, flatten: true).Message);
        var oneClass = Model();
        using (torch.no_grad()) ((Linear)oneClass[0]).bias!.copy_(torch.tensor(new float[] { 50, -50 }));
        Assert.Contains("did you forget optimizer.zero_grad()", Section2Checks.TrainingLosses([0.7, 0.5, 0.3], oneClass, loader, 3, flatten: true).Message);
        Assert.Contains("3 epochs", Section2Checks.TrainingLosses([0.7, 0.5], good, loader, 3, flatten: true).Message);
    }

    [Fact]
    public void A_transform_that_skips_the_crop_or_resizes_last_is_named()
    {
        Assert.Equal(VerdictKind.Correct, Section2Checks.ResizeAndCrop(Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224))).Kind);
        Assert.Contains("not cropped", Section2Checks.ResizeAndCrop(Transforms.Resize(255)).Message);
        Assert.Contains("crop came before the resize", Section2Checks.ResizeAndCrop(Transforms.Compose(Transforms.CenterCrop(255), Transforms.Resize(224))).Message);
        Assert.Contains("should come out [3, 224, 224]", Section2Checks.ResizeAndCrop(Transforms.CenterCrop(200)).Message);
        Assert.Equal(VerdictKind.NotDone, Section2Checks.ResizeAndCrop(null).Kind);
    }

    [Fact]
    public void Part_5_dropout_with_another_probability_is_not_quite_right()
    {
        nn.Module<Tensor, Tensor> Classifier(double p)
        {
            var dropout = nn.Dropout(p);
            var (fc1, fc2) = (nn.Linear(784, 64), nn.Linear(64, 10));
            var model = nn.Sequential(("flatten", nn.Flatten()), ("fc1", fc1), ("relu", nn.ReLU()), ("dropout", dropout), ("fc2", fc2), ("log_softmax", nn.LogSoftmax(1)));
            return model;
        }

        Assert.Equal(VerdictKind.Correct, Section2Checks.Dropout(Classifier(0.2)).Kind);
        Assert.Equal("✘ Not quite: dropout has p = 0.5; this exercise asks for p = 0.2.", Section2Checks.Dropout(Classifier(0.5)).ToString());
    }
}
