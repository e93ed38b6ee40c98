using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 1: tensors and a neuron by hand.
public static partial class Section2Checks
{
    static Tensor Sigmoid(Tensor x) => torch.sigmoid(x);

    /// <summary>Part 1: the neuron's output, <c>sigmoid(sum(features * weights) + bias)</c>.</summary>
    public static Verdict NeuronOutput(Tensor? y, Tensor features, Tensor weights, Tensor bias)
    {
        if (y is null) return Verdict.NotDone();
        var sum = (features * weights).sum() + bias;
        var expected = Sigmoid(sum);
        if (Same(y, expected)) return Verdict.Correct($"y = {Number(y):F4}, the sigmoid of the weighted sum plus the bias.");
        if (y.shape.SequenceEqual(features.shape)) return Verdict.Wrong($"y has shape {Shape(y)}, one value per feature: did you forget to sum the products?");
        if (Same(y, sum)) return Verdict.Wrong($"y = {Number(y):F4} is the weighted sum plus the bias before the activation: pass it through activation(...).");
        if (Same(y, Sigmoid((features * weights).sum()).view(expected.shape)) || Same(y, Sigmoid((features * weights).sum())))
            return Verdict.Wrong("y leaves out the bias: add it to the weighted sum before the activation.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got {(y.numel() == 1 ? $"{Number(y):F4}" : "")} with shape {Shape(y)}: multiply features and weights element-wise, sum, add the bias, apply activation.");
    }

    /// <summary>Part 1: the same neuron as a matrix product, <c>sigmoid(mm(features, weights.view(5, 1)) + bias)</c>.</summary>
    public static Verdict MatrixNeuron(Tensor? yByMatrix, Tensor features, Tensor weights, Tensor bias)
    {
        if (yByMatrix is null) return Verdict.NotDone();
        var column = weights.view(weights.shape[1], 1);
        var expected = Sigmoid(features.mm(column) + bias);
        if (Same(yByMatrix, expected)) return Verdict.Correct($"yByMatrix = {Number(yByMatrix):F4}, a [1, 5] × [5, 1] product: the same as the element-wise neuron.");
        if (yByMatrix.shape.SequenceEqual(new long[] { features.shape[1], features.shape[1] }))
            return Verdict.Wrong($"yByMatrix has shape {Shape(yByMatrix)}: you multiplied a [5, 1] by a [1, 5]. Keep features as [1, 5] and view weights as [5, 1].");
        if (Same(yByMatrix, features.mm(column) + bias)) return Verdict.Wrong("that is the product plus the bias before the activation: pass it through activation(...).");
        if (Same(yByMatrix, Sigmoid(features.mm(column)))) return Verdict.Wrong("the bias is missing: add it to the matrix product before the activation.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got shape {Shape(yByMatrix)}: activation(torch.mm(features, weights.view(5, 1)) + bias).");
    }

    /// <summary>Part 1: the two-layer network's output, <c>sigmoid(sigmoid(features W1 + B1) W2 + B2)</c>.</summary>
    public static Verdict NetworkOutput(Tensor? output, Tensor features, Tensor W1, Tensor W2, Tensor B1, Tensor B2)
    {
        if (output is null) return Verdict.NotDone();
        var hidden = Sigmoid(features.mm(W1) + B1);
        var expected = Sigmoid(hidden.mm(W2) + B2);
        if (Same(output, expected)) return Verdict.Correct($"output = {Number(output):F4}: the hidden layer's activations fed through the second layer.");
        if (Same(output, hidden.mm(W2) + B2)) return Verdict.Wrong("the output layer's activation is missing: apply activation(...) to the second layer too.");
        if (Same(output, Sigmoid((features.mm(W1) + B1).mm(W2) + B2))) return Verdict.Wrong("the hidden layer's activation is missing: h = activation(torch.mm(features, W1) + B1).");
        if (Same(output, Sigmoid(Sigmoid(features.mm(W1)).mm(W2)))) return Verdict.Wrong("the biases are missing: add B1 to the first product and B2 to the second.");
        return Verdict.Wrong($"expected {Number(expected):F4} with shape {Shape(expected)}, got shape {Shape(output)}: h = activation(features·W1 + B1), output = activation(h·W2 + B2).");
    }
}
