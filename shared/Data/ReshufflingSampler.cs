using System.Collections;

namespace DeepLearningCourse.Data;

/// <summary>
/// A seeded order for <c>torch.utils.data.DataLoader(dataset, batchSize, sampler, device)</c> that is
/// different in every epoch, like PyTorch's shuffling, yet the same from run to run. TorchSharp's
/// <c>shuffle: true, seed: s</c> repeats one permutation in every epoch.
/// </summary>
public sealed class ReshufflingSampler(long count, int seed) : IEnumerable<long>
{
    int epoch;

    /// <summary>The number of indices each epoch yields.</summary>
    public long Count => count;

    /// <summary>Each enumeration (one per epoch) is a fresh permutation of 0..count−1, drawn from (seed, epoch).</summary>
    public IEnumerator<long> GetEnumerator()
    {
        var random = new Random(unchecked(seed * 1_000_003 + Interlocked.Increment(ref epoch)));
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        for (long i = count - 1; i > 0; i--)
        {
            var j = random.NextInt64(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return ((IEnumerable<long>)order).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
