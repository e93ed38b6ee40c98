using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// (x − mean) / std per channel, for one image [C,H,W] or a batch [N,C,H,W]. TorchVision's Normalize
/// shapes its constants for batches only, so on a dataset item it would add a batch dimension.
/// </summary>
sealed class NormalizeChannels : torchvision.ITransform, IDisposable
{
    readonly Tensor mean, std;   // [C,1,1]: broadcasts over both layouts

    public NormalizeChannels(double[] mean, double[] std)
    {
        if (mean.Length != std.Length || mean.Length == 0)
            throw new ArgumentException($"Normalize needs one mean and one standard deviation per channel; got {mean.Length} and {std.Length}.");
        if (std.Any(s => s <= 0))
            throw new ArgumentException("Standard deviations must be positive.", nameof(std));
        this.mean = torch.tensor(mean.Select(m => (float)m).ToArray()).reshape(mean.Length, 1, 1);
        this.std = torch.tensor(std.Select(s => (float)s).ToArray()).reshape(std.Length, 1, 1);
    }

    public Tensor call(Tensor input)
    {
        var channels = input.shape[^3];
        if (channels != mean.shape[0])
            throw new ArgumentException($"Normalize was given {mean.shape[0]} channel(s) but the image has {channels}.");
        if (input.device != mean.device)
            return (input - mean.to(input.device)) / std.to(input.device);
        return (input - mean) / std;
    }

    public void Dispose()
    {
        mean.Dispose();
        std.Dispose();
    }
}
