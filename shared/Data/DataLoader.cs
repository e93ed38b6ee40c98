using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Batches a dataset the way <c>torch.utils.data.DataLoader</c> does, with the same call shape and the
/// same {"data", "label"} batches, and differs where the lessons need it:
/// <list type="bullet">
/// <item>a shuffled loader draws a new order every epoch, reproducible from its seed (TorchSharp's repeats one);</item>
/// <item>in-memory datasets (<see cref="IBatchedDataset"/>) are gathered and transformed a batch at a time,
/// so an MNIST epoch no longer waits mostly for its data;</item>
/// <item>other datasets (photo folders) decode their samples in parallel.</item>
/// </list>
/// Each batch is freed when the loop moves on (or ends), so memory stays flat; keep a tensor longer by
/// cloning it, or take a batch you own with <see cref="OneBatch"/>.
/// </summary>
public sealed class DataLoader : IEnumerable<Dictionary<string, Tensor>>
{
    readonly IEnumerable<long> order;

    /// <summary>
    /// A loader over <paramref name="dataset"/>. <paramref name="seed"/> defaults to <see cref="Course.Seed"/>;
    /// <paramref name="workers"/> (threads decoding samples of datasets that are not in memory) defaults to the processor count;
    /// <paramref name="prefetch"/> defaults to on when the machine has more than two cores or the dataset says it pays.
    /// </summary>
    public DataLoader(torch.utils.data.Dataset dataset, int batchSize, bool shuffle = false, Device? device = null,
        int? seed = null, bool dropLast = false, int? workers = null, bool? prefetch = null)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        Dataset = dataset;
        BatchSize = batchSize;
        Device = device ?? CPU;
        DropLast = dropLast;
        Workers = Math.Max(1, workers ?? Environment.ProcessorCount);
        // Measured on 2 cores (bench/DataBench): libtorch's compute already uses both, so a prefetching thread
        // hides the loading wait but can lengthen the epoch as a whole, unless making a batch is single-threaded
        // work (in-memory augmentation, as for CIFAR-10). With cores to spare it overlaps anyway.
        Prefetch = prefetch ?? (Environment.ProcessorCount > 2 || dataset is IBatchedDataset { PrefetchPays: true });
        order = shuffle ? new ReshufflingSampler(dataset.Count, seed ?? Course.Seed) : LongRange(dataset.Count);
    }

    /// <summary>The dataset batched.</summary>
    public torch.utils.data.Dataset Dataset { get; }

    /// <summary>Samples per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Where batches are placed.</summary>
    public Device Device { get; }

    /// <summary>Whether an incomplete last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Threads that decode samples of datasets without a batch path.</summary>
    public int Workers { get; }

    /// <summary>Whether the next batch is prepared on another thread while the caller uses the current one.</summary>
    public bool Prefetch { get; }

    /// <summary>The number of batches per epoch.</summary>
    public long Count => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// One epoch of batches; each is disposed when the loop moves to the next or ends. With
    /// <see cref="Prefetch"/>, the next batch is prepared on another thread while the caller works on the
    /// current one, as PyTorch's workers do.
    /// </summary>
    public IEnumerator<Dictionary<string, Tensor>> GetEnumerator()
    {
        var indices = order.ToArray();
        var chunks = new List<long[]>();
        for (long start = 0; start < indices.LongLength; start += BatchSize)
        {
            var chunk = indices[(int)start..(int)Math.Min(start + BatchSize, indices.LongLength)];
            if (DropLast && chunk.Length < BatchSize) break;
            chunks.Add(chunk);
        }

        Task<Dictionary<string, Tensor>>? next = chunks.Count > 0 ? Start(chunks[0]) : null;
        try
        {
            for (int i = 0; i < chunks.Count; i++)
            {
                var batch = next!.GetAwaiter().GetResult();
                var following = i + 1 < chunks.Count ? chunks[i + 1] : null;
                next = following is null ? null : Start(following);
                try { yield return batch; }
                finally { Free(batch); }
            }
        }
        finally
        {
            // A loop left early still owns the batch being prepared.
            if (next is not null) Free(next.GetAwaiter().GetResult());
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The first batch of a new epoch, which the caller owns (PyTorch's <c>next(iter(loader))</c>, used to look
    /// at a few images). A foreach loop's batches are freed as it goes; this one is not.
    /// </summary>
    public Dictionary<string, Tensor> OneBatch()
    {
        var chunk = order.Take(BatchSize).ToArray();
        return Fetch(chunk);
    }

    Dictionary<string, Tensor> Fetch(long[] indices)
    {
        using var scope = NewDisposeScope();
        var batch = Dataset is IBatchedDataset batched ? batched.GetBatch(indices) : Stack(indices);
        var placed = new Dictionary<string, Tensor>(batch.Count);
        foreach (var (key, tensor) in batch)
            placed[key] = (tensor.device_type == Device.type && tensor.device_index == Device.index ? tensor : tensor.to(Device)).DetachFromDisposeScope();
        return placed;
    }

    Task<Dictionary<string, Tensor>> Start(long[] chunk) =>
        Prefetch ? Task.Run(() => Fetch(chunk)) : Task.FromResult(Fetch(chunk));

    static void Free(Dictionary<string, Tensor> batch)
    {
        foreach (var tensor in batch.Values) tensor.Dispose();
    }

    Dictionary<string, Tensor> Stack(long[] indices)
    {
        var items = new Dictionary<string, Tensor>[indices.Length];
        try
        {
            Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i =>
            {
                // Dispose scopes belong to a thread: each sample's intermediates are freed here, its outputs kept.
                using var scope = NewDisposeScope();
                var item = Dataset.GetTensor(indices[i]);
                foreach (var tensor in item.Values) tensor.DetachFromDisposeScope();
                items[i] = item;
            });
            return items[0].Keys.ToDictionary(key => key, key => torch.stack(items.Select(item => item[key]), 0));
        }
        finally
        {
            foreach (var item in items.Where(item => item is not null))
                foreach (var tensor in item.Values) tensor.Dispose();
        }
    }

    static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++) yield return i;
    }
}
