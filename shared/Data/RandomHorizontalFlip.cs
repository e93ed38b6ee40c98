using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Mirrors left–right with probability p, drawing separately for each image of a batch [N,C,H,W]
/// (TorchVision for .NET's version tosses one coin for the whole tensor, which would flip a whole
/// batch or none of it). The coins come from a seeded generator.
/// </summary>
sealed class RandomHorizontalFlip(double p, int? seed) : RandomTransform(seed, 2)
{
    public override Tensor call(Tensor input)
    {
        if (input.dim() != 4)
        {
            // One image, as a dataset's transform sees it: mirror it or hand it on, instead of mirroring it anyway
            // and choosing between the two copies.
            return UniformValues(1)[0] < (float)p ? input.flip(-1) : input.alias();
        }
        using var scope = NewDisposeScope();
        var flip = Uniform(input.shape[0], input.device) < p;
        return torch.where(flip.view(input.shape[0], 1, 1, 1), input.flip(-1), input).MoveToOuterDisposeScope();
    }
}
