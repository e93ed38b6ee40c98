using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// A dataset small enough to keep in memory as bytes (MNIST, Fashion-MNIST, CIFAR-10). Like
/// torchvision's datasets, each item is <c>{"data": float32 [C,H,W] in [0,1] after the transform,
/// "label": int64 scalar}</c>; TorchSharp's <c>torch.utils.data.DataLoader</c> batches them.
/// </summary>
/// <remarks>
/// Pixels are kept as one uint8 tensor and divided by 255 per item (torchvision's own .NET MNIST
/// divides by 256, so its white is not 1). Printing the dataset prints <see cref="Source"/>.
/// </remarks>
public sealed class InMemoryImageDataset : torch.utils.data.Dataset, IBatchedDataset
{
    readonly Tensor images;   // uint8 [N,C,H,W]
    readonly Tensor labels;   // int64 [N]
    readonly torchvision.ITransform? transform;

    /// <summary>
    /// Wraps <paramref name="pixels"/> (N·C·H·W bytes, row-major) and <paramref name="labelBytes"/> (N class
    /// indices), keeping only the samples listed in <paramref name="keep"/>.
    /// </summary>
    public InMemoryImageDataset(byte[] pixels, byte[] labelBytes, int channels, int height, int width,
        IReadOnlyList<string> classes, string source, torchvision.ITransform? transform = null, long[]? keep = null)
    {
        long count = labelBytes.Length;
        if (pixels.LongLength != count * channels * height * width)
            throw new ArgumentException($"{pixels.LongLength:N0} pixel bytes do not make {count:N0} images of {channels}×{height}×{width}.", nameof(pixels));
        Classes = classes;
        Source = source;
        this.transform = transform;

        using var scope = NewDisposeScope();
        var allImages = torch.tensor(pixels, dtype: ScalarType.Byte).reshape(count, channels, height, width);
        var allLabels = torch.tensor(labelBytes, dtype: ScalarType.Byte).to(ScalarType.Int64);
        if (keep is not null && keep.LongLength != count)
        {
            var index = torch.tensor(keep);
            allImages = allImages.index_select(0, index);
            allLabels = allLabels.index_select(0, index);
        }
        images = allImages.contiguous().MoveToOuterDisposeScope();
        labels = allLabels.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>One line saying which data this is: canonical or offline stand-in, split, size, fast-mode subset.</summary>
    public string Source { get; }

    /// <inheritdoc/>
    public override long Count => labels.shape[0];

    /// <summary>The labels of every sample, int64 [N] (for counting classes without decoding images).</summary>
    public Tensor Labels => labels;

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        // The DataLoader runs this inside a dispose scope, so the intermediates below are freed with the batch.
        var image = images[index].to(ScalarType.Float32).div_(255f);
        return new()
        {
            ["data"] = transform is null ? image : transform.call(image),
            ["label"] = labels[index],
        };
    }

    /// <inheritdoc/>
    public Dictionary<string, Tensor> GetBatch(long[] indices)
    {
        using var index = torch.tensor(indices);
        return new()
        {
            ["data"] = Prepared is { } prepared ? prepared.index_select(0, index) : Transform(images.index_select(0, index)),
            ["label"] = labels.index_select(0, index),
        };
    }

    /// <inheritdoc/>
    public bool PrefetchPays => Prepared is null;

    Tensor Transform(Tensor pixels)
    {
        var scaled = pixels.to(ScalarType.Float32).div_(255f);
        return transform is null ? scaled : transform.call(scaled);
    }

    /// <summary>
    /// When the transform gives the same result every time (none, or Normalize), every image is converted
    /// once, on first use, and batches become a single gather. A small network's step takes about a
    /// millisecond, so the per-batch conversion would otherwise be a sizeable share of each epoch
    /// (bench/DataBench). It costs four bytes per pixel: 188 MB for MNIST's 60,000 images.
    /// Random transforms must run per batch, and are.
    /// </summary>
    Tensor? Prepared
    {
        get
        {
            if (prepared is not null || transform is not (null or Normalization)) return prepared;
            lock (images)
            {
                if (prepared is null)
                {
                    using var scope = NewDisposeScope();
                    // Owned by the dataset, not by the batch scope this first call runs in.
                    prepared = Transform(images).contiguous().DetachFromDisposeScope();
                }
            }
            return prepared;
        }
    }

    Tensor? prepared;

    /// <inheritdoc/>
    public override string ToString() => Source;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            images.Dispose();
            labels.Dispose();
            prepared?.Dispose();
        }
    }
}
