using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Rotates the image by an angle drawn uniformly from [−degrees, degrees], filling the corners with 0,
/// using TorchVision's rotate. TorchVision for .NET's RandomRotation draws the angle from an unseeded
/// generator; this one draws from torch's, which the course seeds.
/// </summary>
sealed class RandomRotation(double degrees, InterpolationMode interpolation) : torchvision.ITransform
{
    public Tensor call(Tensor input)
    {
        var angle = (RandomResizedCrop.Uniform(1)[0] * 2 - 1) * degrees;
        return torchvision.transforms.functional.rotate(input, (float)angle, interpolation);
    }
}
