using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 3's exercises (lessons 1–6). Each one recomputes the answer from the
/// learner's own inputs (their image, kernel, model, loaders or initialisation), compares, and names
/// the likely mistake when the two differ. A <c>null</c> answer, or a stub that throws
/// <see cref="NotImplementedException"/>, is not done yet. Call them through <see cref="Exercise.Check"/>.
/// </summary>
public static partial class Section3Checks
{
    // Helpers the lessons' checks share; each lesson's checks are in Section3Checks.Lesson*.cs.

    /// <summary>A fresh Linear layer inside a small model, initialised with <c>apply</c> as the lesson does.</summary>
    static Linear Initialised(Action<nn.Module> init, long inputs, long outputs)
    {
        var layer = nn.Linear(inputs, outputs);
        nn.Sequential(layer, nn.ReLU()).apply(init);
        return layer;
    }

    static (double Min, double Max, double Mean, double Std) Stats(Tensor weight)
    {
        var w = Values(weight);
        return (w.min().item<float>(), w.max().item<float>(), w.mean().item<float>(), w.std().item<float>());
    }

    static bool Near(double value, double expected) => Math.Abs(value - expected) <= 0.05 * expected;

    static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-3 + 1e-3 * Math.Abs(b);

    static Verdict? BiasHint(Linear layer) =>
        layer.bias is { } bias && Values(bias).abs().max().item<float>() != 0
            ? Verdict.Wrong("the biases are not 0: set them with linear.bias.fill_(0).")
            : null;

    static Verdict? Layers(IReadOnlyList<Linear> linears, (long In, long Out)[] expected)
    {
        var asked = string.Join(", ", expected.Select(e => $"{e.In} → {e.Out}"));
        if (linears.Count != expected.Length) return Verdict.Wrong($"the network has {linears.Count} Linear layers; the exercise asks for {expected.Length}: {asked}.");
        for (var i = 0; i < expected.Length; i++)
            if (linears[i].in_features != expected[i].In || linears[i].out_features != expected[i].Out)
                return Verdict.Wrong($"Linear layer {i + 1} is {linears[i].in_features} → {linears[i].out_features}; the exercise asks for {asked}.");
        return null;
    }

    static Verdict? DropoutHint(nn.Module model, double p)
    {
        var dropouts = model.modules().OfType<TorchSharp.Modules.Dropout>().ToList();
        if (dropouts.Count == 0) return Verdict.Wrong($"the network has no dropout: add a field dropout = nn.Dropout({p}) and call it in forward.");
        if (dropouts.Any(d => Math.Abs(d.p - p) > 1e-9)) return Verdict.Wrong($"dropout has p = {dropouts[0].p}; this exercise asks for p = {p}.");
        return null;
    }

    /// <summary>The model's output in evaluation mode; a shape error in forward becomes <paramref name="shapeHint"/>.</summary>
    static (Tensor? Value, Verdict? Hint) Run(nn.Module<Tensor, Tensor> model, Tensor input, string shapeHint)
    {
        var training = model.training;
        model.eval();
        try
        {
            using (torch.no_grad()) return (model.call(input), null);
        }
        catch (Exception e) when (e is not NotImplementedException && (e.Message.Contains("shapes cannot be multiplied") || e.Message.Contains("shape '[")))
        {
            return (null, Verdict.Wrong(shapeHint));
        }
        finally { model.train(training); }
    }

    static Verdict? ProbabilityHint(Tensor output)
    {
        var values = Values(output);
        var ones = torch.ones(values.shape[0]);
        if (values.exp().sum(1).allclose(ones, atol: 1e-4) || (values.ge(0).all().item<bool>() && values.sum(1).allclose(ones, atol: 1e-4)))
            return Verdict.Wrong("forward returns (log-)probabilities; nn.CrossEntropyLoss applies the log-softmax itself, so return the last layer's raw scores.");
        return null;
    }

    /// <summary>Whether the model in evaluation mode is affine in its input: f(a) + f(b) − f(0) = f(a + b).</summary>
    static bool Affine(nn.Module<Tensor, Tensor> model, Tensor a)
    {
        var b = torch.rand(a.shape, generator: new Generator(8)).to(a.device);
        var training = model.training;
        model.eval();
        using var _ = torch.no_grad();
        var affine = Same(model.call(a) + model.call(b) - model.call(torch.zeros_like(a)), model.call(a + b));
        model.train(training);
        return affine;
    }

    static bool RandomInTraining(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var training = model.training;
        model.train();
        using var _ = torch.no_grad();
        var random = !Same(model.call(input), model.call(input));
        model.train(training);
        return random;
    }

    /// <summary>Mean cross-entropy per image of the model's raw scores over the whole loader, in evaluation mode.</summary>
    static double MeanLoss(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader)
    {
        var training = model.training;
        model.eval();
        double sum = 0;
        long seen = 0;
        using (torch.no_grad())
        {
            foreach (var (data, labels) in loader)
            {
                using var scope = torch.NewDisposeScope();
                sum += F.cross_entropy(model.call(data), labels).item<float>() * labels.shape[0];
                seen += labels.shape[0];
            }
        }
        model.train(training);
        return sum / seen;
    }

    /// <summary>
    /// What <c>Cv2.Filter2D(gray, dst, -1, kernel)</c> gives for a byte image: a correlation with the
    /// border mirrored (OpenCV's default, PyTorch's "reflect"), rounded and cut to 0…255; in [0, 1].
    /// </summary>
    static Tensor Filter2D(Tensor gray, Tensor kernel)
    {
        var pixels = (Values(gray) * 255).round();
        var image = pixels.view(1, 1, pixels.shape[^2], pixels.shape[^1]);
        var (rows, cols) = (kernel.shape[0], kernel.shape[1]);
        var padded = F.pad(image, [cols / 2, (cols - 1) / 2, rows / 2, (rows - 1) / 2], PaddingModes.Reflect);
        var filtered = F.conv2d(padded, Values(kernel).view(1, 1, rows, cols)).round().clamp(0, 255) / 255;
        return filtered.view(pixels.shape);
    }

    /// <summary>Two byte images in [0, 1] that differ by at most one grey level (rounding of halves).</summary>
    static bool SameImage(Tensor answer, Tensor expected) =>
        answer.shape.SequenceEqual(expected.shape) && (Values(answer) - Values(expected)).abs().max().item<float>() <= 1.5f / 255;

    static string Direction(double across, double down)
    {
        var horizontal = across > 1e-6 ? "to the right" : across < -1e-6 ? "to the left" : "";
        var vertical = down > 1e-6 ? "downwards" : down < -1e-6 ? "upwards" : "";
        return (horizontal, vertical) switch
        {
            ("", "") => "in no single direction (its weights balance around the centre)",
            (_, "") => horizontal,
            ("", _) => vertical,
            _ => $"{vertical} and {horizontal}",
        };
    }
}
