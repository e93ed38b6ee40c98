using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>Stacking samples into a batch, with an error a learner can act on when their sizes differ.</summary>
static class Batching
{
    /// <summary>
    /// <c>torch.stack(samples)</c>, after checking that every sample has the same shape. When they differ, the
    /// error names two samples (through <paramref name="describe"/>, which turns a position into a file name or
    /// index) and says what to add to the transform, instead of libtorch's native message.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> samples, Func<int, string> describe)
    {
        for (int i = 1; i < samples.Count; i++)
        {
            if (!samples[i].shape.SequenceEqual(samples[0].shape))
                throw new InvalidOperationException(
                    $"Samples of different sizes cannot be stacked into one batch: {describe(0)} is {samples[0].Shape()} but {describe(i)} is {samples[i].Shape()}. " +
                    "Give the dataset a transform that makes every image the same size, e.g. Transforms.Resize(255) then Transforms.CenterCrop(224).");
        }
        var batch = torch.stack(samples, 0);
        // torch.stack passes only the samples' native handles on; were the samples otherwise unreferenced, the
        // garbage collector could finalize (and so free) one while libtorch still reads it.
        GC.KeepAlive(samples);
        return batch;
    }
}
