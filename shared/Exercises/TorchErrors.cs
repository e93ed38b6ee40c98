using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// Turns an exception thrown by a learner's code into one sentence for a check's verdict. libtorch's
/// errors arrive as <see cref="ExternalException"/> whose message goes on with a C++ stack trace; the
/// common ones are said in the lesson's terms (which sizes, which types, which label), the others by
/// libtorch's own first line, never with the trace.
/// </summary>
static partial class TorchErrors
{
    /// <summary>One sentence saying what went wrong in the learner's code.</summary>
    public static string Describe(Exception e)
    {
        var first = FirstLine(e.Message);
        if (e is not ExternalException) return $"your code threw {e.GetType().Name}: {first}";
        var said = Explain(first);
        return said is null
            ? $"libtorch stopped your code: {first.TrimEnd('.')}."
            : $"libtorch stopped your code: {said}";
    }

    static string? Explain(string message)
    {
        if (MatrixShapes().Match(message) is { Success: true } m)
            return $"a Linear layer (or matrix product) that takes {m.Groups["in"].Value} values per row was given rows of {m.Groups["got"].Value} " +
                   $"({m.Groups["rows"].Value} rows of {m.Groups["got"].Value} against a weight of {m.Groups["in"].Value} × {m.Groups["out"].Value}): compare what forward flattens to with the layer's in_features.";
        if (MatrixTypes().Match(message) is { Success: true } t)
            return $"a matrix product met a {t.Groups["a"].Value} tensor and a {t.Groups["b"].Value} one; both must have one type, the weights' float32 (convert with .to(torch.float32)).";
        if (TargetOutOfBounds().Match(message) is { Success: true } target)
            return $"the label {target.Groups["label"].Value} has no score: the loss expects one output per class, numbered from 0, so the last layer needs more outputs or the labels are off.";
        if (ConvolutionChannels().Match(message) is { Success: true } c)
            return $"a convolution made for {c.Groups["want"].Value} input channels was given {c.Groups["got"].Value} (input {c.Groups["input"].Value}): the layer's in_channels must equal the channels of what reaches it.";
        if (ViewSize().Match(message) is { Success: true } v)
            return $"view or reshape to {v.Groups["shape"].Value} cannot lay out {v.Groups["size"].Value} values: the sizes asked for must multiply to the tensor's number of elements.";
        if (ElementwiseSizes().Match(message) is { Success: true } s)
            return $"two tensors of different sizes ({s.Groups["a"].Value} and {s.Groups["b"].Value} along dimension {s.Groups["dim"].Value}) were combined element by element: check the shapes of both.";
        if (message.Contains("Expected all tensors to be on the same device", StringComparison.Ordinal))
            return "tensors on different devices met: move the model and the data to the same device (.to(device)).";
        return null;
    }

    static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    [GeneratedRegex(@"mat1 and mat2 shapes cannot be multiplied \((?<rows>\d+)x(?<got>\d+) and (?<in>\d+)x(?<out>\d+)\)")]
    private static partial Regex MatrixShapes();

    [GeneratedRegex(@"must have the same dtype, but got (?<a>\w+) and (?<b>\w+)")]
    private static partial Regex MatrixTypes();

    [GeneratedRegex(@"Target (?<label>-?\d+) is out of bounds")]
    private static partial Regex TargetOutOfBounds();

    [GeneratedRegex(@"expected input(?<input>\[[\d, ]+\]) to have (?<want>\d+) channels, but got (?<got>\d+) channels")]
    private static partial Regex ConvolutionChannels();

    [GeneratedRegex(@"shape '(?<shape>\[[-\d, ]+\])' is invalid for input of size (?<size>\d+)")]
    private static partial Regex ViewSize();

    [GeneratedRegex(@"size of tensor a \((?<a>\d+)\) must match the size of tensor b \((?<b>\d+)\) at non-singleton dimension (?<dim>\d+)")]
    private static partial Regex ElementwiseSizes();
}
