using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 3: fixed filters in a convolutional layer.
public static partial class Section3Checks
{
    /// <summary>Lesson 3: the first filter, its negation, its transpose and the negated transpose, stacked to [4, 4, 4].</summary>
    public static Verdict FourFilters(Tensor? filters, Tensor filter_vals)
    {
        if (filters is null) return Verdict.NotDone();
        var f = Values(filter_vals);
        var expected = torch.stack([f, -f, f.T, -f.T]);
        if (Same(filters, expected)) return Verdict.Correct("filters 1 and 2 find vertical edges of both directions, 3 and 4 horizontal ones: [4, 4, 4].");
        if (!filters.shape.SequenceEqual(expected.shape)) return Verdict.Wrong($"filters must be [4, 4, 4], four 4×4 filters stacked with torch.stack; got {Shape(filters)}.");
        var answer = Values(filters);
        if (!Same(answer[0], f)) return Verdict.Wrong("filter 1 must be filter_vals itself.");
        if (Same(answer[1], f)) return Verdict.Wrong("filter 2 equals filter 1: negate it (-filter_1), so it responds to edges of the opposite direction.");
        if (Same(answer[2], f) || Same(answer[2], -f)) return Verdict.Wrong("filter 3 still finds vertical edges: transpose filter 1 (filter_1.T), so that rows and columns swap.");
        if (Same(answer[3], -f)) return Verdict.Wrong("filter 4 is the negation of filter 1; it should negate filter 3, the transpose (-filter_3).");
        return Verdict.Wrong("the filters are not, in order: filter_vals, its negation, its transpose, the negated transpose.");
    }

    /// <summary>Lesson 3: a bias-free <c>Conv2d</c> holding the given filters, then ReLU, then 2×2 max pooling; all three stages returned.</summary>
    public static Verdict FilterLayer(nn.Module<Tensor, (Tensor, Tensor, Tensor)>? model, Tensor filters)
    {
        if (model is null) return Verdict.NotDone();
        var conv = model.modules().OfType<Conv2d>().FirstOrDefault();
        if (conv is null) return Verdict.NotDone();
        var weight = Values(filters).unsqueeze(1);
        if (conv.bias is not null) return Verdict.Wrong("the layer has a bias, which shifts every map by a random amount: create it with bias: false.");
        if (!conv.weight!.shape.SequenceEqual(weight.shape)) return Verdict.Wrong($"the layer's weight is {Shape(conv.weight)}; four 4×4 filters for one input channel make it [4, 1, 4, 4].");
        if (!Same(conv.weight, weight)) return Verdict.Wrong("the layer's weight is not the filters: copy them in with conv.weight.copy_(weight) inside torch.no_grad().");

        var image = torch.rand(1, 1, 20, 20, generator: new Generator(7)).to(conv.weight.device);
        var expectedConv = F.conv2d(Values(image), weight);
        var expectedRelu = F.relu(expectedConv);
        var expectedPool = F.max_pool2d(expectedRelu, 2, 2);
        Tensor conv_x, activated_x, pooled_x;
        using (torch.no_grad()) (conv_x, activated_x, pooled_x) = model.call(image);
        if (!Same(conv_x, expectedConv)) return Verdict.Wrong($"conv_x should be the convolution's output {Shape(expectedConv)}, got {Shape(conv_x)}: conv_x = conv.call(x).");
        if (Same(activated_x, expectedConv)) return Verdict.Wrong("activated_x still has negative values: apply F.relu to conv_x.");
        if (!Same(activated_x, expectedRelu)) return Verdict.Wrong("activated_x should be F.relu(conv_x).");
        if (Same(pooled_x, expectedRelu)) return Verdict.Wrong($"pooled_x is as large as activated_x, {Shape(pooled_x)}: apply pool to it, which halves height and width.");
        if (Same(pooled_x, F.max_pool2d(expectedConv, 2, 2))) return Verdict.Wrong("pooled_x pools conv_x; pool the activated maps, activated_x, instead.");
        if (!Same(pooled_x, expectedPool)) return Verdict.Wrong($"pooled_x should be pool.call(activated_x), {Shape(expectedPool)}; got {Shape(pooled_x)}.");
        return Verdict.Correct("the layer holds the four filters without bias, and returns the convolution, its ReLU, and the 2×2 max-pooled maps.");
    }
}
