using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Exercises;

/// <summary>The comparisons every check makes: shapes, and values within float tolerance, on the CPU.</summary>
static class Compare
{
    /// <summary>Same shape and the same values to within float32 rounding.</summary>
    public static bool Same(Tensor answer, Tensor expected) => Close(answer, expected, scale: 0);

    /// <summary>
    /// Same shape and values within 1e-4 of the largest value: for products of large random matrices, whose entries
    /// near zero carry the rounding of their large terms, which the order of summation changes.
    /// </summary>
    public static bool SameToScale(Tensor answer, Tensor expected) =>
        Close(answer, expected, scale: Values(expected).abs().max().item<float>());

    /// <summary>Same shape, and values within float32 rounding plus 1e-4 of <paramref name="scale"/>.</summary>
    static bool Close(Tensor answer, Tensor expected, double scale) =>
        answer.shape.SequenceEqual(expected.shape) && Values(answer).allclose(Values(expected), rtol: 1e-4, atol: 1e-5 + 1e-4 * scale);

    /// <summary>The tensor as float32 on the CPU, outside autograd, so comparisons work whatever the learner's device and dtype.</summary>
    public static Tensor Values(Tensor tensor) => tensor.detach().cpu().to_type(ScalarType.Float32);

    /// <summary>
    /// <paramref name="compute"/>'s result with torch's generator seeded, so that two computations with dropout
    /// draw the same masks wherever they drop in the same place; the learner's random state is restored after.
    /// </summary>
    public static Tensor Seeded(Func<Tensor> compute)
    {
        var state = torch.get_rng_state();
        try
        {
            torch.manual_seed(7);
            using var _ = torch.no_grad();
            return compute();
        }
        finally
        {
            torch.set_rng_state(state);
        }
    }

    /// <summary>A scalar tensor or a one-element tensor as a number, for messages.</summary>
    public static double Number(Tensor tensor) => Values(tensor).flatten()[0].item<float>();

    /// <summary><c>[64, 10]</c>.</summary>
    public static string Shape(Tensor tensor) => tensor.Shape().ToString();
}
