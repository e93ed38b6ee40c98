using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// How the library's networks handle activations inside a forward pass: freed as soon as the next layer has read them.
/// </summary>
internal static class Activations
{
    /// <summary>
    /// Applies <paramref name="layer"/> to <paramref name="activation"/> and frees the activation, which is when
    /// PyTorch's reference counting would free it. A tensor that autograd saved for the backward pass stays alive
    /// through autograd's own reference; only this handle goes.
    /// </summary>
    public static Tensor Then(this Tensor activation, Func<Tensor, Tensor> layer)
    {
        using (activation) return layer(activation);
    }
}
