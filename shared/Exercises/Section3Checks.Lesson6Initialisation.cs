using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 6: weight initialisations.
public static partial class Section3Checks
{
    /// <summary>Lesson 6: <c>constant_weights(value)</c> fills every Linear weight with the value and every bias with 0.</summary>
    public static Verdict ConstantWeights(Func<double, Action<nn.Module>>? constant_weights)
    {
        if (constant_weights is null) return Verdict.NotDone();
        foreach (var value in new[] { 1.0, 0.0 })
        {
            var layer = Initialised(constant_weights(value), 256, 128);
            var weights = Values(layer.weight!);
            if (weights.max().item<float>() != weights.min().item<float>())
                return Verdict.Wrong($"constant_weights({value}) left the weights random (from {weights.min().item<float>():F3} to {weights.max().item<float>():F3}): fill them in place with linear.weight.fill_(value).");
            if (Math.Abs(weights[0, 0].item<float>() - value) > 1e-6)
                return Verdict.Wrong($"constant_weights({value}) filled the weights with {weights[0, 0].item<float>()}: use the parameter, fill_(value).");
            if (BiasHint(layer) is { } bias) return bias;
        }
        return Verdict.Correct("every weight takes the given value and every bias is 0.");
    }

    /// <summary>Lesson 6: weights drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>), biases 0.</summary>
    public static Verdict UniformWeights(Action<nn.Module>? init, double low, double high)
    {
        if (init is null) return Verdict.NotDone();
        var layer = Initialised(init, 784, 256);
        var (min, max, mean, _) = Stats(layer.weight!);
        var range = $"[{low}, {high})";
        if (min == max) return Verdict.Wrong($"all weights are equal ({min}): uniform_ between {low} and {high} was asked for; did you fill_?");
        var bound = 1 / Math.Sqrt(784);
        if (min >= -bound - 1e-6 && max <= bound + 1e-6 && (low < -bound || high > bound))
            return Verdict.Wrong($"the weights lie within ±{bound:F4}, like TorchSharp's defaults: draw new ones with linear.weight.uniform_({low}, {high}).");
        if (min < low - 1e-6 || max > high + 1e-6)
            return Verdict.Wrong($"the weights run from {min:F3} to {max:F3}, outside {range}" + (low >= 0 && min < 0 ? ": none should be negative." : $": uniform_({low}, {high}) keeps them inside it."));
        if (max - min < 0.9 * (high - low) || Math.Abs(mean - (low + high) / 2) > 0.05 * (high - low))
            return Verdict.Wrong($"the weights run from {min:F3} to {max:F3} around {mean:F3}; drawn uniformly from {range} they would fill the whole range evenly.");
        if (BiasHint(layer) is { } bias) return bias;
        return Verdict.Correct($"weights spread evenly over {range}, biases 0.");
    }

    /// <summary>Lesson 6: each layer's weights uniform in ±1/√n, n its number of inputs, biases 0.</summary>
    public static Verdict UniformRule(Action<nn.Module>? init) => ScaledByInputs(init, normal: false);

    /// <summary>Lesson 6: each layer's weights normal with mean 0 and σ = 1/√n, n its number of inputs, biases 0.</summary>
    public static Verdict NormalRule(Action<nn.Module>? init) => ScaledByInputs(init, normal: true);

    static Verdict ScaledByInputs(Action<nn.Module>? init, bool normal)
    {
        if (init is null) return Verdict.NotDone();
        // Two layers with different numbers of inputs and the same number of outputs
        foreach (var inputs in new long[] { 784, 128 })
        {
            var layer = Initialised(init, inputs, 256);
            var (min, max, mean, std) = Stats(layer.weight!);
            var scale = normal ? std : Math.Max(-min, max);
            var expected = 1 / Math.Sqrt(inputs);
            if (min == max) return Verdict.Wrong($"all weights are equal ({min}): draw them at random ({(normal ? "normal_" : "uniform_")}).");
            if (!Near(scale, expected))
            {
                var what = normal ? "standard deviation" : "largest weight";
                if (Near(scale, 1 / Math.Sqrt(256))) return Verdict.Wrong($"for a layer with {inputs} inputs and 256 outputs the {what} is {scale:F4} = 1/√256: n is the number of inputs, linear.in_features, not out_features.");
                if (Near(scale, 1.0 / inputs)) return Verdict.Wrong($"the {what} is {scale:F5} = 1/{inputs}: take the square root, 1/√n = {expected:F4}.");
                if (Near(scale, 1)) return Verdict.Wrong($"the {what} is about 1 for every layer: scale it by 1/√n, with n = linear.in_features.");
                return Verdict.Wrong($"for a layer with {inputs} inputs the {what} should be 1/√{inputs} = {expected:F4}, got {scale:F4}.");
            }
            if (Math.Abs(mean) > 0.05 * expected) return Verdict.Wrong($"the weights average {mean:F4}; centred on 0 was asked for.");
            // A uniform draw never passes its bound; a normal one with 200,000 draws goes well past 3σ
            if (normal && Math.Max(-min, max) < 2 * std) return Verdict.Wrong($"the weights stop at ±{Math.Max(-min, max):F4}, as a uniform draw does: normal_(0.0, y) draws from the bell curve.");
            if (!normal && (Math.Max(-min, max) > expected * 1.001)) return Verdict.Wrong($"some weights pass ±1/√n = ±{expected:F4}: uniform_(-y, y) stays inside it (normal_ does not).");
            if (BiasHint(layer) is { } bias) return bias;
        }
        return Verdict.Correct(normal
            ? "normal weights with σ = 1/√n for each layer's n inputs, biases 0."
            : "weights uniform in ±1/√n for each layer's n inputs, biases 0.");
    }
}
