using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// A transform that can be undone, so that what a network was fed can be shown again as the picture
/// it came from (<see cref="Display.Images"/> and <see cref="Display.Charts.ViewClassify"/> take one).
/// </summary>
public interface IInvertibleTransform : torchvision.ITransform
{
    /// <summary>What the transform does, in words, for a lesson to print.</summary>
    string Description { get; }

    /// <summary>Turns the transform's output back into its input.</summary>
    Tensor Inverse(Tensor output);
}
