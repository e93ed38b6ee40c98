using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Rotates each image by its own angle drawn uniformly from [−degrees, degrees] about its centre,
/// corners filled with 0. One affine resampling covers a whole batch. TorchVision for .NET's
/// RandomRotation draws one angle per call from an unseeded generator; these come from a seeded one.
/// </summary>
sealed class RandomRotation(double degrees, InterpolationMode interpolation, int? seed) : RandomTransform(seed, 1)
{
    public override Tensor call(Tensor input)
    {
        using var scope = NewDisposeScope();
        var batch = input.dim() == 4 ? input : input.unsqueeze(0);
        long n = batch.shape[0], h = batch.shape[^2], w = batch.shape[^1];
        var angles = (Uniform(n, input.device) * 2 - 1) * (degrees * Math.PI / 180);
        var (cos, sin) = (angles.cos(), angles.sin());
        var zero = torch.zeros_like(angles);
        // affine_grid works in coordinates normalised to [-1,1] per axis; the ratios keep the rotation rigid on non-square images.
        var theta = torch.stack([cos, -sin * ((double)h / w), zero, sin * ((double)w / h), cos, zero], 1).view(n, 2, 3);
        var grid = nn.functional.affine_grid(theta.to(batch.dtype), [n, batch.shape[1], h, w], align_corners: false);
        var mode = interpolation == InterpolationMode.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear;
        var rotated = nn.functional.grid_sample(batch, grid, mode, GridSamplePaddingMode.Zeros, align_corners: false);
        return (input.dim() == 4 ? rotated : rotated.squeeze(0)).MoveToOuterDisposeScope();
    }
}
