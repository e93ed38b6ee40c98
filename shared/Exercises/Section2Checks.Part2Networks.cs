using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 2: networks from matrices and from modules.
public static partial class Section2Checks
{
    /// <summary>Part 2: flattened images through a 784-256-10 network built from the learner's random weights.</summary>
    public static Verdict MatrixNetwork(Tensor? output, Tensor images, Tensor? w1, Tensor? b1, Tensor? w2, Tensor? b2)
    {
        if (output is null || w1 is null || b1 is null || w2 is null || b2 is null) return Verdict.NotDone();
        var batch = images.shape[0];
        var expectedShape = new long[] { batch, 10 };
        if (!output.shape.SequenceEqual(expectedShape))
        {
            if (output.shape.SequenceEqual(new long[] { 10, batch }))
                return Verdict.Wrong($"shape [{batch}, 10] expected, got {Shape(output)}: did you multiply in the other order? Rows are images: inputs [{batch}, 784] × w1 [784, 256].");
            return Verdict.Wrong($"shape [{batch}, 10] expected (one row of 10 scores per image), got {Shape(output)}: flatten with images.view(images.shape[0], -1), w1 [784, 256], w2 [256, 10].");
        }
        var inputs = images.view(batch, -1);
        var hidden = Sigmoid(inputs.mm(w1) + b1);
        var expected = hidden.mm(w2) + b2;
        if (SameToScale(output, expected)) return Verdict.Correct($"output {Shape(output)}: sigmoid hidden layer, no activation on the output.");
        if (SameToScale(output, Sigmoid(expected))) return Verdict.Wrong("the output went through the sigmoid too; this exercise leaves the output layer without an activation.");
        if (SameToScale(output, inputs.mm(w1).mm(w2) + b2) || SameToScale(output, (inputs.mm(w1) + b1).mm(w2) + b2))
            return Verdict.Wrong("the hidden layer has no activation: h = activation(torch.mm(inputs, w1) + b1).");
        if (SameToScale(output, Sigmoid(inputs.mm(w1)).mm(w2))) return Verdict.Wrong("the biases are missing: add b1 to the hidden layer's product and b2 to the output.");
        return Verdict.Wrong("the shape is right but the values are not activation(inputs·w1 + b1)·w2 + b2 with your w1, b1, w2, b2.");
    }

    /// <summary>Part 2: <c>softmax</c> of a batch of scores, one probability distribution per row.</summary>
    public static Verdict Softmax(Func<Tensor, Tensor>? softmax)
    {
        if (softmax is null) return Verdict.NotDone();
        var scores = torch.randn(64, 10, generator: new Generator(7));
        Tensor answer;
        try { answer = softmax(scores); }
        catch (Exception e) when (e is not NotImplementedException && e.Message.Contains("size of tensor a"))
        {
            return Verdict.Wrong("dividing [64, 10] by the [64] row sums lines up the wrong dimensions: view the sums as [64, 1] (.view(-1, 1)) so each row is divided by its own sum.");
        }
        if (answer is null) return Verdict.NotDone();
        var expected = torch.softmax(scores, 1);
        if (Same(answer, expected)) return Verdict.Correct("each row of a [64, 10] batch becomes probabilities that sum to 1, as torch.softmax(x, 1) gives.");
        if (!answer.shape.SequenceEqual(scores.shape)) return Verdict.Wrong($"softmax of a [64, 10] batch must be [64, 10], got {Shape(answer)}.");
        if (Same(answer, torch.softmax(scores, 0))) return Verdict.Wrong("each column sums to 1, not each row: sum over dim: 1, the classes of one image.");
        if (Same(answer, torch.exp(scores) / torch.exp(scores).sum())) return Verdict.Wrong("you divided by the sum over the whole batch; each row needs its own sum (torch.sum(..., dim: 1).view(-1, 1)).");
        return Verdict.Wrong("the rows do not match torch.softmax: exponentiate every score, then divide by its row's sum of exponentials.");
    }

    /// <summary>Part 2: the 784-128-64-10 network with ReLU, named <c>fc1</c>, <c>fc2</c>, <c>fc3</c>, ending in softmax.</summary>
    public static Verdict ReluNetwork(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var layers = model.named_children().ToDictionary(c => c.name, c => c.module);
        var sizes = new (string Name, long In, long Out)[] { ("fc1", 784, 128), ("fc2", 128, 64), ("fc3", 64, 10) };
        if (sizes.All(s => !layers.ContainsKey(s.Name))) return Verdict.NotDone();
        foreach (var (name, inputs, outputs) in sizes)
        {
            if (!layers.TryGetValue(name, out var module) || module is not Linear linear)
                return Verdict.Wrong($"{name} is missing: the network needs three Linear layers named fc1, fc2 and fc3.");
            if (linear.in_features != inputs || linear.out_features != outputs)
                return Verdict.Wrong($"{name} is {linear.in_features} → {linear.out_features}; the exercise asks for {inputs} → {outputs}.");
        }
        var fc1 = (Linear)layers["fc1"];
        var fc2 = (Linear)layers["fc2"];
        var fc3 = (Linear)layers["fc3"];
        var device = fc1.weight!.device;
        var x = torch.randn(8, 784, generator: new Generator(7)).to(device);
        Tensor answer;
        using (torch.no_grad())
        {
            answer = model.call(x);
            var scores = fc3.call(F.relu(fc2.call(F.relu(fc1.call(x)))));
            if (Same(answer, F.softmax(scores, 1))) return Verdict.Correct("784 → 128 → 64 → 10 with ReLU between the layers, and each output row sums to 1.");
            if (Same(answer, scores)) return Verdict.Wrong("the outputs are raw scores: end forward with F.softmax(fc3.call(x), dim: 1).");
            if (Same(answer, F.softmax(scores, 0))) return Verdict.Wrong("softmax over dim 0 makes each column sum to 1; use dim: 1, across the classes of each image.");
            if (Same(answer, F.softmax(fc3.call(fc2.call(F.relu(fc1.call(x)))), 1)) || Same(answer, F.softmax(fc3.call(F.relu(fc2.call(fc1.call(x)))), 1)))
                return Verdict.Wrong("a ReLU is missing: apply F.relu after fc1 and after fc2.");
        }
        return Verdict.Wrong("the layers are right but forward does not compute softmax(fc3(relu(fc2(relu(fc1(x)))))).");
    }
}
