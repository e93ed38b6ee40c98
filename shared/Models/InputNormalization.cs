using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// What a backbone expects between an RGB image with values in [0, 1] (channels first, one image
/// [3, H, W] or a batch [N, 3, H, W]) and its first layer. It is a torchvision transform, so it
/// composes with <c>transforms.Compose</c>, and it is differentiable, so style transfer can
/// optimise an image in pixel space through it.
/// </summary>
public sealed class InputNormalization : torchvision.ITransform
{
    readonly Func<Tensor, Tensor> normalize, denormalize;

    InputNormalization(string description, Func<Tensor, Tensor> normalize, Func<Tensor, Tensor> denormalize)
    {
        Description = description;
        this.normalize = normalize;
        this.denormalize = denormalize;
    }

    /// <summary>In words, for the lesson to print.</summary>
    public string Description { get; }

    /// <summary>RGB in [0, 1] to the network's input.</summary>
    public Tensor call(Tensor image) => normalize(image);

    /// <summary>The network's input back to RGB in [0, 1], for display.</summary>
    public Tensor Inverse(Tensor normalized) => denormalize(normalized);

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>The ImageNet statistics torchvision's pretrained models were trained with.</summary>
    public static readonly IReadOnlyList<float> ImageNetMean = [0.485f, 0.456f, 0.406f];

    /// <inheritdoc cref="ImageNetMean"/>
    public static readonly IReadOnlyList<float> ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>torchvision's <c>Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])</c>.</summary>
    internal static InputNormalization ImageNet() => new(
        "RGB in [0, 1], minus ImageNet mean [0.485, 0.456, 0.406], divided by std [0.229, 0.224, 0.225]",
        x => (x - Channels(ImageNetMean, x)) / Channels(ImageNetStd, x),
        x => x * Channels(ImageNetStd, x) + Channels(ImageNetMean, x));

    /// <summary>
    /// The offline ResNet-18's preprocessing, as ML.NET applies it: pixels on the 0–255 scale,
    /// channels in BGR order, minus a per-pixel mean image. Other sizes than 224×224 get the mean
    /// image resized bilinearly (ML.NET itself only feeds 224×224).
    /// </summary>
    internal static InputNormalization MeanImageBgr(ResNetFeatures network) => new(
        "RGB in [0, 1] scaled to 0–255, reordered to BGR, minus the featurizer's 224×224 mean image",
        x => x.flip(-3) * 255 - MeanImage(network, x),
        x => ((x + MeanImage(network, x)) / 255).flip(-3));

    static Tensor Channels(IReadOnlyList<float> values, Tensor like) =>
        tensor(values.ToArray(), dtype: like.dtype, device: like.device).view(3, 1, 1);

    static Tensor MeanImage(ResNetFeatures network, Tensor like)
    {
        var mean = network.MeanImage.to(like.dtype, like.device);
        var (height, width) = (like.shape[^2], like.shape[^1]);
        if (mean.shape[^2] != height || mean.shape[^1] != width)
            mean = nn.functional.interpolate(mean, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return mean.squeeze(0);
    }
}
