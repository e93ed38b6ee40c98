using TorchSharp;
using static TorchSharp.torch;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 3 Lesson 10's exercises (style transfer): the Gram matrix, the content loss and
/// the style loss. Each feeds the learner's function feature maps of its own, with a different number of
/// channels, rows and columns so that a transposed or flattened result cannot pass by accident, recomputes
/// the course's formula, and names the likely mistake when the two differ.
/// </summary>
public static class StyleTransferChecks
{
    /// <summary>A feature map [1, d, h, w] with d, h, w all different, so every mix-up changes a shape or a value.</summary>
    static Tensor FeatureMap(long d, long h, long w, int seed) => torch.rand(1, d, h, w, generator: new Generator((ulong)seed));

    static Tensor Gram(Tensor features)
    {
        var (d, h, w) = (features.shape[1], features.shape[2], features.shape[3]);
        var rows = features.view(d, h * w);
        return torch.mm(rows, rows.t());
    }

    /// <summary>
    /// The Gram matrix of a feature map [1, d, h, w]: the map viewed as d rows of h·w values, times its own
    /// transpose, a d × d matrix with no normalisation (the course divides the layer's style loss by d·h·w instead).
    /// </summary>
    /// <param name="gramMatrix">The learner's <c>gram_matrix</c>.</param>
    public static Verdict GramMatrix(Func<Tensor, Tensor>? gramMatrix)
    {
        if (gramMatrix is null) return Verdict.NotDone();
        const long d = 4, h = 3, w = 5;
        var features = FeatureMap(d, h, w, seed: 7);
        var answer = gramMatrix(features);
        if (answer is null) return Verdict.NotDone();
        var expected = Gram(features);
        if (Same(answer, expected)) return Verdict.Correct($"a [1, {d}, {h}, {w}] feature map gives a {d} × {d} Gram matrix: every pair of feature maps multiplied position by position and summed.");
        var rows = features.view(d, h * w);
        if (answer.shape.SequenceEqual(new long[] { h * w, h * w }))
            return Verdict.Wrong($"the result is {h * w} × {h * w}, one row per position: the transpose goes on the second factor, torch.mm(tensor, tensor.t()) with tensor viewed as [d, h·w], giving d × d.");
        if (answer.numel() == d * d && !answer.shape.SequenceEqual(expected.shape))
            return Verdict.Wrong($"the values may be right but the shape is {Shape(answer)}; the Gram matrix is [{d}, {d}]: drop the batch dimension when you view the map as [d, h·w].");
        if (Same(answer, expected / (d * h * w)) || Same(answer, expected / (h * w)) || Same(answer, expected / d))
            return Verdict.Wrong("the values are the Gram matrix divided by a size: leave it unnormalised here; the course divides each layer's style loss by d·h·w later.");
        var mixed = features.view(h * w, d);
        if (Same(answer, torch.mm(mixed.t(), mixed)))
            return Verdict.Wrong("view(h·w, d) cuts the map into rows that mix several channels; view(d, h·w) keeps one feature map per row.");
        if (Same(answer, rows * rows) || Same(answer, (rows * rows).sum(1)))
            return Verdict.Wrong("that multiplies element by element; the Gram matrix is a matrix product, torch.mm(tensor, tensor.t()).");
        return Verdict.Wrong("the values differ from the map viewed as [d, h·w] times its transpose, torch.mm(tensor, tensor.t()).");
    }

    /// <summary>The content loss: the mean of the squared differences between the target's and the content's features.</summary>
    /// <param name="contentLoss">The learner's <c>get_content_loss</c>, taking the target's feature map and the content's.</param>
    public static Verdict ContentLoss(Func<Tensor, Tensor, Tensor>? contentLoss)
    {
        if (contentLoss is null) return Verdict.NotDone();
        var target = FeatureMap(4, 3, 5, seed: 7);
        var content = FeatureMap(4, 3, 5, seed: 8);
        var answer = contentLoss(target, content);
        if (answer is null) return Verdict.NotDone();
        var difference = target - content;
        var expected = difference.pow(2).mean();
        if (answer.numel() != 1) return Verdict.Wrong($"the loss is one number, but the result has shape {Shape(answer)}: take the mean over every element.");
        if (Same(answer.reshape(-1), expected.reshape(-1))) return Verdict.Correct($"the mean squared difference, {Number(answer):F4} on the check's feature maps.");
        if (Same(answer.reshape(-1), difference.pow(2).sum().reshape(-1))) return Verdict.Wrong("that is the sum of the squared differences; the course takes their mean (torch.mean), so the loss does not grow with the image size.");
        if (Same(answer.reshape(-1), expected.sqrt().reshape(-1))) return Verdict.Wrong("that is the square root of the loss; the course uses the mean squared difference itself.");
        if (Same(answer.reshape(-1), difference.abs().mean().reshape(-1)) || Same(answer.reshape(-1), difference.mean().reshape(-1)))
            return Verdict.Wrong("square the differences before averaging: torch.mean(torch.pow(target_feature - content_feature, 2)).");
        return Verdict.Wrong($"expected the mean squared difference {Number(expected):F4}, got {Number(answer):F4}.");
    }

    /// <summary>
    /// The style loss: for each layer, its weight times the mean squared difference between the target's Gram
    /// matrix and the style's, divided by the layer's d·h·w; summed over the layers. The check computes the style
    /// Gram matrices with the learner's own <paramref name="gramMatrix"/>, so only the loss itself is judged here.
    /// </summary>
    /// <param name="styleLoss">The learner's <c>get_style_loss</c>, taking the target's features, the style's Gram matrices and the layer weights.</param>
    /// <param name="gramMatrix">The learner's <c>gram_matrix</c> (its own exercise).</param>
    public static Verdict StyleLoss(Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>, Dictionary<string, double>, Tensor>? styleLoss, Func<Tensor, Tensor>? gramMatrix)
    {
        if (styleLoss is null || gramMatrix is null) return Verdict.NotDone();
        // Two layers of different sizes and weights, so every missing factor changes the total differently
        var sizes = new Dictionary<string, (long D, long H, long W)> { ["shallow"] = (3, 6, 5), ["deep"] = (6, 3, 2) };
        var weights = new Dictionary<string, double> { ["shallow"] = 1.0, ["deep"] = 0.2 };
        var targetFeatures = sizes.ToDictionary(s => s.Key, s => FeatureMap(s.Value.D, s.Value.H, s.Value.W, seed: 7));
        var styleGrams = sizes.ToDictionary(s => s.Key, s => gramMatrix(FeatureMap(s.Value.D, s.Value.H, s.Value.W, seed: 8)));
        var answer = styleLoss(targetFeatures, styleGrams, weights);
        if (answer is null) return Verdict.NotDone();
        if (answer.numel() != 1) return Verdict.Wrong($"the style loss is one number, but the result has shape {Shape(answer)}.");

        double Total(bool weighted = true, bool divided = true, bool mean = true, bool byArea = false) => sizes.Keys.Sum(layer =>
        {
            var (d, h, w) = sizes[layer];
            var squared = (gramMatrix(targetFeatures[layer]) - styleGrams[layer]).pow(2);
            var loss = Number(mean ? squared.mean() : squared.sum()) * (weighted ? weights[layer] : 1);
            return divided ? loss / (byArea ? h * w : d * h * w) : loss;
        });

        var value = Number(answer);
        bool Near(double expected) => Math.Abs(value - expected) <= 1e-4 * Math.Abs(expected) + 1e-6;
        var correct = Total();
        if (Near(correct)) return Verdict.Correct($"each layer's weighted mean squared Gram difference divided by its d·h·w, summed: {value:G5} on the check's two layers.");
        if (Near(Total(divided: false))) return Verdict.Wrong("each layer's loss must be divided by its d·h·w (channels × height × width of the target's feature map); otherwise the big shallow layers drown out the deep ones.");
        if (Near(Total(weighted: false))) return Verdict.Wrong("the layer weights are missing: multiply each layer's loss by style_weights[layer].");
        if (Near(Total(byArea: true))) return Verdict.Wrong("divide by d·h·w, the channels too, not only by h·w.");
        if (Near(Total(mean: false))) return Verdict.Wrong("take the mean of the squared Gram differences (torch.mean), not their sum, before dividing by d·h·w.");
        if (Near(correct / sizes.Count))
            return Verdict.Wrong("add the layers' losses up; do not average them.");
        return Verdict.Wrong($"expected {correct:G5} (for each layer: weight × mean((target Gram − style Gram)²) / (d·h·w), summed), got {value:G5}.");
    }
}
