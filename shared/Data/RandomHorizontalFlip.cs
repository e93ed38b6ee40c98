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
        using var scope = NewDisposeScope();
        var count = input.dim() == 4 ? input.shape[0] : 1;
        var flip = Uniform(count, input.device) < p;
        var shape = input.dim() == 4 ? new long[] { count, 1, 1, 1 } : [1, 1, 1];
        return torch.where(flip.view(shape), input.flip(-1), input).MoveToOuterDisposeScope();
    }
}
