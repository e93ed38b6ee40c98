using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Bilinear, antialiased resizing of [C,H,W] or [N,C,H,W], as PyTorch's Resize does by default.
/// TorchVision for .NET's resize leaves align_corners unset, so libtorch prints a warning on every
/// call: thousands of lines in a notebook's output for one epoch of photos.
/// </summary>
sealed class BilinearResize(int height, int width) : torchvision.ITransform
{
    /// <summary>Width −1: scale so that the shorter side becomes <c>height</c>, keeping the aspect ratio.</summary>
    public const int KeepAspect = -1;

    public Tensor call(Tensor input)
    {
        long h = input.shape[^2], w = input.shape[^1];
        var (outH, outW) = width != KeepAspect ? ((long)height, (long)width)
            : h <= w ? (height, (long)Math.Floor((double)height * w / h))
            : ((long)Math.Floor((double)height * h / w), height);
        return Resize(input, outH, outW);
    }

    public static Tensor Resize(Tensor input, long height, long width)
    {
        if (input.shape[^2] == height && input.shape[^1] == width) return input.alias();
        var batched = input.dim() == 4;
        using var four = batched ? input.alias() : input.unsqueeze(0);
        var resized = nn.functional.interpolate(four, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        if (batched) return resized;
        using (resized) return resized.squeeze(0);
    }
}
