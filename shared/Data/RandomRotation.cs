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
        // The angles' cosines and sines come from libtorch, whose vectorised cos and sin can differ from .NET's in
        // the last bit; the six entries of each matrix are then put together here rather than by a dozen more tensor
        // operations, which cost more than the resampling itself on the course's small photos. Single precision
        // throughout, as libtorch's arithmetic is, so every rotated image is the same to the bit as before.
        float heightOverWidth = (float)((double)h / w), widthOverHeight = (float)((double)w / h);
        using var angles = Uniform(n, CPU).mul_(2).sub_(1).mul_(degrees * Math.PI / 180);
        using var cosines = angles.cos();
        using var sines = angles.sin();
        var (cos, sin) = (cosines.data<float>().ToArray(), sines.data<float>().ToArray());
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            // affine_grid works in coordinates normalised to [-1,1] per axis; the ratios keep the rotation rigid on non-square images.
            float[] matrix = [cos[i], -sin[i] * heightOverWidth, 0, sin[i] * widthOverHeight, cos[i], 0];
            matrix.CopyTo(theta, i * 6);
        }
        var grid = nn.functional.affine_grid(torch.tensor(theta, [n, 2, 3], batch.dtype, batch.device), [n, batch.shape[1], h, w], align_corners: false);
        var mode = interpolation == InterpolationMode.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear;
        var rotated = nn.functional.grid_sample(batch, grid, mode, GridSamplePaddingMode.Zeros, align_corners: false);
        return (input.dim() == 4 ? rotated : rotated.squeeze(0)).MoveToOuterDisposeScope();
    }
}
