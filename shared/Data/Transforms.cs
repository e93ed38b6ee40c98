using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// The image transforms the lessons use, named as in torchvision. Each one is a TorchVision
/// <see cref="torchvision.ITransform"/> working on a float tensor [C,H,W] or a batch [N,C,H,W] (random
/// transforms then draw for each image); TorchVision's own implementation is used wherever it behaves like PyTorch's.
/// </summary>
/// <remarks>
/// There is no <c>ToTensor</c>: the datasets already decode images to float tensors in [0,1]
/// (<see cref="ImageFile"/>), which is what PyTorch's ToTensor produces. Each random transform draws from
/// its own generator, seeded with its <c>seed</c> argument or else from torch's global generator (so
/// <c>torch.manual_seed</c> governs it), so augmentation repeats from run to run.
/// </remarks>
public static class Transforms
{
    /// <summary>Applies <paramref name="transforms"/> in order (TorchVision's Compose).</summary>
    public static torchvision.ITransform Compose(params torchvision.ITransform[] transforms) =>
        torchvision.transforms.Compose(transforms);

    /// <summary>
    /// (x − mean) / std per channel; one value per channel (1 for grayscale, 3 for colour). Give the
    /// result to <see cref="Display.Images"/> or <see cref="Display.Charts.ViewClassify"/> to show
    /// normalised images as they were, or undo it yourself with <see cref="Normalization.Inverse"/>.
    /// </summary>
    public static Normalization Normalize(double[] mean, double[] std) => new(mean, std);

    /// <summary>
    /// Resizes so the shorter side is <paramref name="size"/>, keeping the aspect ratio (PyTorch's
    /// <c>Resize(int)</c>), bilinear with antialiasing like PyTorch; TorchVision for .NET defaults to nearest.
    /// </summary>
    public static torchvision.ITransform Resize(int size) => new BilinearResize(size, BilinearResize.KeepAspect);

    /// <summary>Resizes to exactly <paramref name="height"/>×<paramref name="width"/> (bilinear, antialiased).</summary>
    public static torchvision.ITransform Resize(int height, int width) => new BilinearResize(height, width);

    /// <summary>Cuts the central size×size square (TorchVision's CenterCrop).</summary>
    public static torchvision.ITransform CenterCrop(int size) => torchvision.transforms.CenterCrop(size);

    /// <summary>
    /// A random crop covering <paramref name="scaleMin"/>–<paramref name="scaleMax"/> of the area with an
    /// aspect ratio in <paramref name="ratioMin"/>–<paramref name="ratioMax"/>, resized to size×size.
    /// </summary>
    public static torchvision.ITransform RandomResizedCrop(int size, double scaleMin = 0.08, double scaleMax = 1.0,
        double ratioMin = 3.0 / 4, double ratioMax = 4.0 / 3, int? seed = null)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size));
        if (!(0 < scaleMin && scaleMin <= scaleMax && scaleMax <= 1)) throw new ArgumentException("Need 0 < scaleMin ≤ scaleMax ≤ 1.");
        if (!(0 < ratioMin && ratioMin <= ratioMax)) throw new ArgumentException("Need 0 < ratioMin ≤ ratioMax.");
        return new RandomResizedCrop(size, (scaleMin, scaleMax), (ratioMin, ratioMax), seed);
    }

    /// <summary>Rotates each image by its own random angle in [−degrees, degrees] (nearest-neighbour, like PyTorch's default).</summary>
    public static torchvision.ITransform RandomRotation(double degrees,
        InterpolationMode interpolation = InterpolationMode.Nearest, int? seed = null) =>
        new RandomRotation(Math.Abs(degrees), interpolation, seed);

    /// <summary>Mirrors left–right with probability <paramref name="p"/>, deciding separately for each image of a batch.</summary>
    public static torchvision.ITransform RandomHorizontalFlip(double p = 0.5, int? seed = null) => new RandomHorizontalFlip(p, seed);
}
