using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// The offline ResNet-18's input preparation, as ML.NET applies it: pixels on the 0–255 scale,
/// channels in BGR order, minus a per-pixel mean image (not one mean and deviation per channel, so
/// not a <see cref="Normalization"/>). Sizes other than 224×224 get the mean image resized
/// bilinearly (ML.NET itself only feeds 224×224). Differentiable, so style transfer can optimise
/// an image in pixel space through it.
/// </summary>
sealed class MeanImageBgrInput(ResNetFeatures network) : IInvertibleTransform
{
    /// <inheritdoc/>
    public string Description => "RGB in [0, 1] scaled to 0–255, reordered to BGR, minus the featurizer's 224×224 mean image";

    /// <summary>RGB in [0, 1] to the network's input.</summary>
    public Tensor call(Tensor image)
    {
        // In place on the flipped copy: the same numbers as flip(-3) * 255 - mean, two fewer image-sized tensors.
        using var mean = MeanImage(image);
        return image.flip(-3).mul_(255).sub_(mean);
    }

    /// <summary>The network's input back to RGB in [0, 1].</summary>
    public Tensor Inverse(Tensor output) => ((output + MeanImage(output)) / 255).flip(-3);

    /// <inheritdoc/>
    public override string ToString() => Description;

    Tensor MeanImage(Tensor like)
    {
        var mean = network.MeanImage.to(like.dtype, like.device);
        var (height, width) = (like.shape[^2], like.shape[^1]);
        if (mean.shape[^2] != height || mean.shape[^1] != width)
            mean = nn.functional.interpolate(mean, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return mean.squeeze(0);
    }
}
