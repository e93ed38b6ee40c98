using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Exercises;

/// <summary>The comparisons every check makes: shapes, and values within float tolerance, on the CPU.</summary>
static class Compare
{
    /// <summary>Same shape and the same values to within float32 rounding.</summary>
    public static bool Same(Tensor answer, Tensor expected) =>
        answer.shape.SequenceEqual(expected.shape) && Values(answer).allclose(Values(expected), rtol: 1e-4, atol: 1e-5);

    /// <summary>The tensor as float32 on the CPU, outside autograd, so comparisons work whatever the learner's device and dtype.</summary>
    public static Tensor Values(Tensor tensor) => tensor.detach().cpu().to_type(ScalarType.Float32);

    /// <summary>A scalar tensor or a one-element tensor as a number, for messages.</summary>
    public static double Number(Tensor tensor) => Values(tensor).flatten()[0].item<float>();

    /// <summary><c>[64, 10]</c>.</summary>
    public static string Shape(Tensor tensor) => tensor.Shape().ToString();

    /// <summary>A dropout module's probability (TorchSharp keeps it private).</summary>
    public static double DropProbability(TorchSharp.Modules.Dropout dropout) =>
        (double)(typeof(TorchSharp.Modules.Dropout).GetField("p", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(dropout) ?? double.NaN);
}
