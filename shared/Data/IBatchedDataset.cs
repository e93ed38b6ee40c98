using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// A dataset that can produce a whole batch at once (one gather and one transform call instead of one
/// per sample). The course's <see cref="DataLoader"/> uses it when available; TorchSharp's own
/// DataLoader ignores it and asks for samples one by one, which gives the same items, only slower.
/// </summary>
public interface IBatchedDataset
{
    /// <summary>The samples at <paramref name="indices"/> stacked as a batch: {"data": [B,...], "label": [B]}.</summary>
    Dictionary<string, Tensor> GetBatch(long[] indices);

    /// <summary>
    /// True when making a batch is work for one thread (random transforms of images held in memory), so
    /// preparing the next batch on another thread overlaps with training even on two cores (bench/DataBench).
    /// </summary>
    bool PrefetchPays { get; }
}
