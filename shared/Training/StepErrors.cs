using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using DeepLearningCourse.Infrastructure;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// Libtorch's errors from a step of <see cref="Trainer"/>, told as one sentence about the layer or the labels at
/// fault instead of a C++ stack trace; the original stays the inner exception.
/// </summary>
static partial class StepErrors
{
    /// <summary>The model's forward pass failed on <paramref name="input"/>; <paramref name="where"/> says which batch ("in epoch 2, batch 5").</summary>
    public static InvalidOperationException Forward(ExternalException error, nn.Module model, Tensor input, string where)
    {
        var reason = NativeErrors.Reason(error);
        if (MatrixShapes().Match(reason) is { Success: true } shapes)
        {
            var width = long.Parse(shapes.Groups["width"].Value);
            var inFeatures = long.Parse(shapes.Groups["in"].Value);
            var outFeatures = long.Parse(shapes.Groups["out"].Value);
            var name = model.named_modules().Prepend(("", model))
                .Where(m => m.Item2 is Linear linear && linear.in_features == inFeatures && linear.out_features == outFeatures)
                .Select(m => m.Item1).FirstOrDefault();
            var layer = name is null ? $"A Linear layer ({inFeatures} → {outFeatures})"
                : name.Length == 0 ? $"The model, a Linear layer ({inFeatures} → {outFeatures}),"
                : $"The layer '{name}', Linear({inFeatures}, {outFeatures}),";
            var flattened = input.shape.Skip(1).Aggregate(1L, (product, size) => product * size);
            var fix = input.dim() > 2 && flattened == inFeatures
                ? $"flatten each sample first, for example images.view(images.shape[0], -1), which gives rows of {inFeatures}"
                : $"give it in_features {width} to match what comes before it, or change what comes before it";
            return new($"{layer} expects inputs {inFeatures} wide, but {where} its inputs' last dimension is {width} (the batch entered the model as {input.Shape()}): {fix}.", error);
        }
        return new($"The model's forward pass failed {where} on a batch of shape {input.Shape()}: {reason}", error);
    }

    /// <summary>The loss failed on the model's <paramref name="output"/> and the batch's <paramref name="target"/>.</summary>
    public static InvalidOperationException Loss(ExternalException error, nn.Module criterion, Tensor output, Tensor target, string where)
    {
        var reason = NativeErrors.Reason(error);
        var loss = criterion.GetType().Name;
        if (LabelOutOfBounds().IsMatch(reason) && output.dim() >= 2 && target.dtype == ScalarType.Int64)
        {
            var classes = output.shape[1];
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var labels = target.cpu().flatten().data<long>().ToArray();
            var index = Array.FindIndex(labels, label => (label < 0 || label >= classes) && label != IgnoredLabel);
            if (index >= 0)
                return new($"Label {labels[index]} (sample {index + 1} of the batch {where}) is not a class index {loss} can take: the model gives {classes} scores per sample, " +
                    $"so labels must lie between 0 and {classes - 1}; check the dataset's labels, or give the model's last layer one output per class.", error);
        }
        if (ExpectedLongLabels().IsMatch(reason))
            return new($"{loss} takes class indices as Int64 labels, but the labels {where} are {target.dtype} with shape {target.Shape()}: " +
                "convert them with labels.to(ScalarType.Int64) in the dataset.", error);
        return new($"{loss} failed {where} on the model's output of shape {output.Shape()} and labels of shape {target.Shape()}: {reason}", error);
    }

    /// <summary>The label that NLLLoss and CrossEntropyLoss skip by default (their <c>ignore_index</c>).</summary>
    const long IgnoredLabel = -100;

    [GeneratedRegex(@"mat1 and mat2 shapes cannot be multiplied \((?<rows>\d+)x(?<width>\d+) and (?<in>\d+)x(?<out>\d+)\)")]
    private static partial Regex MatrixShapes();

    [GeneratedRegex(@"Target -?\d+ is out of bounds")]
    private static partial Regex LabelOutOfBounds();

    [GeneratedRegex(@"expected scalar type Long but found")]
    private static partial Regex ExpectedLongLabels();
}
