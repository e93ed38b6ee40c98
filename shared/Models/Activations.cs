using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// How the library's networks handle activations inside a forward pass: freed as soon as the next layer has read
/// them, and laid out in memory the way the CPU's convolutions run fastest.
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

    /// <summary>
    /// The same image batch [N, C, H, W] stored channels-last (each pixel's channels side by side in memory), as
    /// PyTorch's <c>images.contiguous(memory_format=torch.channels_last)</c> stores it; TorchSharp 0.107 has no such
    /// overload, and permuting to [N, H, W, C], copying and permuting back gives the same strides. A convolution
    /// given such input answers in the same layout, so one conversion at the start carries through a whole network;
    /// with oneDNN on a CPU that makes the backbone's forward pass about 1.4 times as fast (bench/run's backbone workload).
    /// </summary>
    public static Tensor ChannelsLast(Tensor images) => images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
