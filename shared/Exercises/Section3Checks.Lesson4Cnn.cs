using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 4: the CIFAR-10 CNN.
public static partial class Section3Checks
{
    /// <summary>
    /// Lesson 4: three 3×3 convolutions (16, 32, 64 filters, padding 1) with pooling, then 1,024 → 500 → 10 with dropout 0.25.
    /// After the layers, the model's scores are compared with the table's network composed from the learner's own layers,
    /// in evaluation mode (a missing ReLU is named) and in training mode with the same dropout masks (dropout's places).
    /// </summary>
    public static Verdict Cnn(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var convs = model.modules().OfType<Conv2d>().ToList();
        if (convs.Count == 0) return Verdict.NotDone();
        if (convs.Count != 3) return Verdict.Wrong($"the network has {convs.Count} convolutional layers; the table asks for three: conv1, conv2, conv3.");
        var channels = new (long In, long Out)[] { (3, 16), (16, 32), (32, 64) };
        var device = convs[0].weight!.device;
        for (var i = 0; i < 3; i++)
        {
            var (inputs, outputs) = channels[i];
            if (convs[i].in_channels != inputs || convs[i].out_channels != outputs)
                return Verdict.Wrong($"conv{i + 1} goes from {convs[i].in_channels} to {convs[i].out_channels} channels; the table asks for {inputs} → {outputs} (each layer takes as many channels as the one before has filters).");
            var size = 32 >> i;
            using var _ = torch.no_grad();
            var output = convs[i].call(torch.zeros(20, inputs, size, size, device: device));
            var expected = new long[] { 20, outputs, size, size };
            if (!output.shape.SequenceEqual(expected))
                return Verdict.Wrong($"conv{i + 1}'s output {Shape(torch.empty(expected))} expected, got {Shape(output)}: did you forget padding: 1? With 3×3 filters it keeps height and width.");
        }
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count > 0 && linears[0].in_features != 64 * 4 * 4)
            return Verdict.Wrong($"flattened size 1024 expected (64 maps of 4×4 after three poolings), but fc1 takes {linears[0].in_features} inputs.");
        if (Layers(linears, [(1024, 500), (500, 10)]) is { } wrong) return wrong;
        if (DropoutHint(model, 0.25) is { } noDropout) return noDropout;

        var images = torch.randn(20, 3, 32, 32, generator: new Generator(7)).to(device);
        var run = Run(model, images, "the rows reaching fc1 do not have 1,024 values: pool after each of the three convolutions, then flatten with x.view(-1, 64 * 4 * 4).");
        if (run.Hint is { } hint) return hint;
        var scores = run.Value!;
        if (!scores.shape.SequenceEqual(new long[] { 20, 10 }))
            return Verdict.Wrong($"for 20 images the output must be [20, 10], got {Shape(scores)}: each image must be pooled three times (32 → 16 → 8 → 4) before view(-1, 64 * 4 * 4) makes one row of it.");
        if (ProbabilityHint(scores) is { } probabilities) return probabilities;

        // The table's network composed from the learner's own layers, in evaluation mode, with or without each group of ReLUs
        var (fc1, fc2) = (linears[0], linears[1]);
        Tensor Table(bool convReLU, bool fcReLU, double dropout = 0)
        {
            var x = images;
            foreach (var conv in convs)
            {
                var y = conv.call(x);
                x = F.max_pool2d(convReLU ? F.relu(y) : y, 2, 2);
            }
            x = F.dropout(x.view(-1, 64 * 4 * 4), dropout, training: dropout > 0);
            var hidden = fc1.call(x);
            return fc2.call(F.dropout(fcReLU ? F.relu(hidden) : hidden, dropout, training: dropout > 0));
        }
        using (torch.no_grad())
        {
            if (!Same(scores, Table(true, true)))
            {
                if (Same(scores, Table(false, false))) return Verdict.Wrong("forward has no ReLU at all: without one the layers add up to a single linear map. Apply F.relu after each convolution (before pooling) and after fc1.");
                if (Same(scores, Table(false, true))) return Verdict.Wrong("the convolutions are not followed by a ReLU: x = pool.call(F.relu(conv1.call(x))), and so on for conv2 and conv3.");
                if (Same(scores, Table(true, false))) return Verdict.Wrong("fc1 is not followed by a ReLU: F.relu(fc1.call(x)) before the second dropout and fc2.");
                return Verdict.Wrong("the layers and the output shape are right, but forward does not compute what the table describes: conv1, ReLU, pool; conv2, ReLU, pool; conv3, ReLU, pool; flatten; dropout; fc1, ReLU; dropout; fc2.");
            }
        }
        if (!RandomInTraining(model, images)) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) before fc1 and after its ReLU.");
        var training = model.training;
        model.train();
        var placed = Same(Seeded(() => model.call(images)), Seeded(() => Table(true, true, dropout: 0.25)));
        model.train(training);
        if (!placed) return Verdict.Wrong("dropout is not where the table puts it: once on the flattened rows before fc1, and once after fc1's ReLU, not on the convolutions' maps or on fc2's scores.");
        return Verdict.Correct("3 × 32 × 32 → 16 × 16 × 16 → 32 × 8 × 8 → 64 × 4 × 4 → 1,024 → 500 → 10 raw scores, a ReLU after every layer but the last, dropout 0.25 before fc1 and after its ReLU.");
    }

    /// <summary>Lesson 4: cross-entropy on the raw scores, and plain SGD with learning rate 0.01 over the model's parameters.</summary>
    public static Verdict LossAndOptimizer(nn.Module<Tensor, Tensor, Tensor>? criterion, optim.Optimizer? optimizer, nn.Module model, double learningRate = 0.01)
    {
        if (criterion is null || optimizer is null) return Verdict.NotDone();
        if (criterion is NLLLoss) return Verdict.Wrong("NLLLoss expects log-probabilities, but the network returns raw scores: use nn.CrossEntropyLoss(), which applies the log-softmax itself.");
        if (TrainingSetup.CriterionMistake<CrossEntropyLoss>(criterion, "for class scores use nn.CrossEntropyLoss().") is { } loss) return loss;
        if (TrainingSetup.OptimizerMistake<SGD>(optimizer, model, "the course trains this network with plain stochastic gradient descent, optim.SGD.", learningRate, "learningRate") is { } wrong) return wrong;
        return Verdict.Correct($"cross-entropy on the raw scores, and SGD with learning rate {learningRate} over all of the model's parameters.");
    }
}
