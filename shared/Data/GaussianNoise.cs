using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// x + factor · N(0,1), clipped to [0,1] unless told otherwise: the noisy input of the denoising
/// autoencoder. Works on one image or a whole batch (the lesson adds noise to each batch it trains on).
/// </summary>
sealed class GaussianNoise(double factor, bool clip) : torchvision.ITransform
{
    public Tensor call(Tensor input)
    {
        using var noise = torch.randn_like(input);
        var noisy = input + noise.mul_(factor);
        return clip ? noisy.clamp_(0, 1) : noisy;
    }
}
