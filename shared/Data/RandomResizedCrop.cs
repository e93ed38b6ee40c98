using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Crops a random part of the image covering a random share of its area (<c>scale</c>) with a random
/// aspect ratio (<c>ratio</c>), then resizes it to size×size: torchvision's algorithm. TorchVision for
/// .NET's version keeps the original aspect ratio and scales each side rather than the area, and draws
/// from an unseeded generator; this one draws from a seeded one.
/// </summary>
sealed class RandomResizedCrop(int size, (double Min, double Max) scale, (double Min, double Max) ratio, int? seed) : RandomTransform(seed, 3)
{
    public override Tensor call(Tensor input)
    {
        if (input.dim() == 4)
        {
            // Each image of a batch gets its own box.
            using var scope = NewDisposeScope();
            return torch.stack(Enumerable.Range(0, (int)input.shape[0]).Select(i => call(input[i])), 0).MoveToOuterDisposeScope();
        }
        int height = (int)input.shape[^2], width = (int)input.shape[^1];
        var (top, left, h, w) = ChooseBox(height, width);
        using var crop = input[.., TensorIndex.Slice(top, top + h), TensorIndex.Slice(left, left + w)];
        return BilinearResize.Resize(crop, size, size);
    }

    (int Top, int Left, int Height, int Width) ChooseBox(int height, int width)
    {
        double area = (double)height * width;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var u = UniformValues(4);
            var target = area * (scale.Min + u[0] * (scale.Max - scale.Min));
            var aspect = Math.Exp(logMin + u[1] * (logMax - logMin));
            var w = (int)Math.Round(Math.Sqrt(target * aspect));
            var h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height)
                return ((int)(u[2] * (height - h + 1)), (int)(u[3] * (width - w + 1)), h, w);
        }
        // Rarely no box fits (extreme ratios on thin images): fall back to the largest central box within the ratio range.
        var imageRatio = (double)width / height;
        var (ch, cw) = imageRatio < ratio.Min ? ((int)Math.Round(width / ratio.Min), width)
                     : imageRatio > ratio.Max ? (height, (int)Math.Round(height * ratio.Max))
                     : (height, width);
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

}
