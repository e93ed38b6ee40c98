using System.Runtime.InteropServices;
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
        // the last bit; the sampling grid is then computed here, in single precision as libtorch's arithmetic is.
        using var angles = Uniform(n, CPU).mul_(2).sub_(1).mul_(degrees * Math.PI / 180);
        using var cosines = angles.cos();
        using var sines = angles.sin();
        var grid = RotationGrid(cosines.data<float>().ToArray(), sines.data<float>().ToArray(), h, w, batch.dtype, batch.device);
        var mode = interpolation == InterpolationMode.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear;
        var rotated = nn.functional.grid_sample(batch, grid, mode, GridSamplePaddingMode.Zeros, align_corners: false);
        return (input.dim() == 4 ? rotated : rotated.squeeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The grid that <c>affine_grid</c> (without align_corners) makes for rotations by the angles whose cosines and sines are
    /// given, [N,H,W,2]: for every output pixel, where in the input to sample, in coordinates normalised to [-1,1] per axis.
    /// Computed here because libtorch's affine_grid multiplies one tiny matrix per image, which took most of the
    /// rotation of a CIFAR-10 batch (20 images of 32×32), more than the resampling itself.
    /// </summary>
    /// <remarks>Made on the CPU and moved: call it inside a dispose scope, which frees the CPU copy.</remarks>
    internal static Tensor RotationGrid(float[] cos, float[] sin, long h, long w, ScalarType dtype, Device device)
    {
        // The pixel centres along each axis.
        var xs = new float[w];
        var ys = new float[h];
        for (long x = 0; x < w; x++) xs[x] = (float)((2.0 * x + 1) / w - 1);
        for (long y = 0; y < h; y++) ys[y] = (float)((2.0 * y + 1) / h - 1);
        // The ratios keep the rotation rigid on non-square images, where the two axes' units differ.
        float heightOverWidth = (float)((double)h / w), widthOverHeight = (float)((double)w / h);
        // Written in place into the tensor's memory: a managed array of this size would be a large-object allocation per batch.
        var grid = torch.empty([cos.LongLength, h, w, 2], ScalarType.Float32);
        var values = MemoryMarshal.Cast<byte, float>(grid.bytes);
        int at = 0;
        for (long i = 0; i < cos.LongLength; i++)
        {
            float xx = cos[i], xy = -sin[i] * heightOverWidth, yx = sin[i] * widthOverHeight, yy = cos[i];
            for (long y = 0; y < h; y++)
            {
                // What the row contributes is the same for every pixel in it.
                float rowX = xy * ys[y], rowY = yy * ys[y];
                for (long x = 0; x < w; x++)
                {
                    values[at++] = xx * xs[x] + rowX;
                    values[at++] = yx * xs[x] + rowY;
                }
            }
        }
        return grid.to(dtype, device);
    }
}
