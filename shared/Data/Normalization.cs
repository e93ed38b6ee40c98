using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// (x − mean) / std per channel, for one image [C,H,W] or a batch [N,C,H,W], and back again with
/// <see cref="Inverse"/>. Made by <see cref="Transforms.Normalize"/>; pretrained backbones use it with
/// ImageNet's statistics. TorchVision's own Normalize shapes its constants for batches only, so on a
/// dataset item it would add a batch dimension.
/// </summary>
public sealed class Normalization : IInvertibleTransform, IDisposable
{
    /// <summary>The mean and standard deviation of ImageNet's pixels, which torchvision's pretrained models were trained with.</summary>
    internal static Normalization ImageNet() => new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    readonly Tensor mean, std;   // float32 [C,1,1] on the CPU: broadcasts over both layouts

    internal Normalization(double[] mean, double[] std)
    {
        if (mean.Length != std.Length || mean.Length == 0)
            throw new ArgumentException($"Normalize needs one mean and one standard deviation per channel; got {mean.Length} and {std.Length}.");
        if (std.Any(s => !(s > 0)))
            throw new ArgumentException("Standard deviations must be positive.", nameof(std));
        Mean = [.. mean];
        Std = [.. std];
        this.mean = torch.tensor(mean.Select(m => (float)m).ToArray()).reshape(mean.Length, 1, 1);
        this.std = torch.tensor(std.Select(s => (float)s).ToArray()).reshape(std.Length, 1, 1);
    }

    /// <summary>One mean per channel.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>One standard deviation per channel.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <inheritdoc/>
    public string Description => $"per channel, minus mean [{Join(Mean)}], divided by std [{Join(Std)}]";

    /// <summary>(x − mean) / std.</summary>
    public Tensor call(Tensor input)
    {
        var (m, s) = ConstantsFor(input);
        return (input - m) / s;
    }

    /// <summary>x · std + mean: a normalised image back to its original values, e.g. [0, 1] for display.</summary>
    public Tensor Inverse(Tensor output)
    {
        var (m, s) = ConstantsFor(output);
        return output * s + m;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Normalize: {Description}";

    /// <inheritdoc/>
    public void Dispose()
    {
        mean.Dispose();
        std.Dispose();
    }

    /// <summary>The constants as the image's type and device; converted copies belong to the caller's dispose scope.</summary>
    (Tensor Mean, Tensor Std) ConstantsFor(Tensor image)
    {
        if (image.dim() < 3 || image.shape[^3] != mean.shape[0])
            throw new ArgumentException($"Normalize was given {mean.shape[0]} channel(s) but the image has shape {image.Shape()}; expected [C,H,W] or [N,C,H,W] with C = {mean.shape[0]}.");
        if (image.dtype == mean.dtype && image.device == mean.device) return (mean, std);
        return (mean.to(image.dtype, image.device), std.to(image.dtype, image.device));
    }

    static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
