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
    /// True when preparing the next batch on another thread shortens a training epoch even on two cores, where
    /// libtorch's compute already uses both: so for images held in memory, whose batch is a gather (and random
    /// transforms, single-threaded work), made while the training step leaves a core waiting (bench/TrainingBench).
    /// </summary>
    bool PrefetchPays { get; }
}
