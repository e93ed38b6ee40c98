using System.Collections;
using System.Runtime.ExceptionServices;
using DeepLearningCourse.Infrastructure;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Batches a dataset the way <c>torch.utils.data.DataLoader</c> does, and is looped over the same way:
/// <c>foreach (var (images, labels) in trainloader)</c>, like <c>for images, labels in trainloader</c>.
/// It differs where the lessons need it:
/// <list type="bullet">
/// <item>a shuffled loader draws a new order every epoch, reproducible from <c>torch.manual_seed</c> (TorchSharp's repeats one);</item>
/// <item>in-memory datasets (<see cref="IBatchedDataset"/>) are gathered and transformed a batch at a time,
/// so an MNIST epoch no longer waits mostly for its data;</item>
/// <item>other datasets (photo folders) decode their samples in parallel.</item>
/// </list>
/// Memory stays flat because a batch is freed as soon as the loop moves on to the next one. The batch a
/// loop stops at (<c>trainloader.First()</c>, <c>break</c>) is not freed: it stays valid, and yours.
/// To keep several batches of one pass, <c>clone()</c> them before the loop moves on.
/// </summary>
public sealed class DataLoader : IEnumerable<(Tensor Data, Tensor Labels)>
{
    readonly IEnumerable<long> order;
    readonly bool shuffle;

    /// <summary>
    /// A loader over <paramref name="dataset"/> that places its batches on <paramref name="device"/> (the CPU
    /// unless given). A shuffled loader's orders come from <paramref name="seed"/>, or else from a seed drawn
    /// from torch's global generator, so <c>torch.manual_seed</c> makes them repeat.
    /// <paramref name="workers"/> (threads decoding samples of datasets that are not in memory) defaults to the processor count;
    /// <paramref name="prefetch"/> defaults to on when the machine has more than two cores or the dataset says it pays.
    /// </summary>
    public DataLoader(torch.utils.data.Dataset dataset, int batchSize, bool shuffle = false, Device? device = null,
        int? seed = null, bool dropLast = false, int? workers = null, bool? prefetch = null)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"A batch needs at least one sample: give batchSize 1 or more (the lessons use 64), not {batchSize}.");
        if (dataset.Count == 0)
            throw new ArgumentException($"The dataset has no samples, so there is nothing to load: {dataset}.", nameof(dataset));
        if (dropLast && dataset.Count < batchSize)
            throw new ArgumentException($"With dropLast every batch must be full, but the dataset has only {dataset.Count} samples for batches of {batchSize}: use a smaller batchSize or dropLast: false.", nameof(dropLast));
        Dataset = dataset;
        BatchSize = batchSize;
        Device = device ?? CPU;
        DropLast = dropLast;
        Workers = Math.Max(1, workers ?? Environment.ProcessorCount);
        // Measured on 2 cores (bench/DataBench): libtorch's compute already uses both, so a prefetching thread
        // hides the loading wait but can lengthen the epoch as a whole, unless making a batch is single-threaded
        // work (in-memory augmentation, as for CIFAR-10). With cores to spare it overlaps anyway.
        Prefetch = prefetch ?? (Environment.ProcessorCount > 2 || dataset is IBatchedDataset { PrefetchPays: true });
        this.shuffle = shuffle;
        order = shuffle ? new ReshufflingSampler(dataset.Count, seed ?? Seeds.Draw()) : LongRange(dataset.Count);
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

    /// <summary>The number of batches per epoch (PyTorch's <c>len(loader)</c>).</summary>
    public long Count => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>One line that describes the loader, shown when a notebook cell ends with it.</summary>
    public override string ToString() =>
        $"DataLoader: {Count:N0} batches of {BatchSize} ({(shuffle ? "reshuffled every epoch" : "in order")}{(DropLast ? ", last partial batch dropped" : "")}) on {Device.type.ToString().ToLowerInvariant()}, from {Dataset}";

    /// <summary>
    /// One epoch of batches. Each batch is freed when the loop asks for the next one; with <see cref="Prefetch"/>,
    /// the next batch is prepared on another thread while the caller works on the current one, as PyTorch's workers do.
    /// </summary>
    public IEnumerator<(Tensor Data, Tensor Labels)> GetEnumerator()
    {
        var chunks = Chunks(order.ToArray());
        Task<(Tensor, Tensor)>? next = Prefetch && chunks.Count > 0 ? Start(chunks[0]) : null;
        try
        {
            for (int i = 0; i < chunks.Count; i++)
            {
                var batch = Await(next ?? Start(chunks[i]));
                // Only a prefetching loader makes the next batch before this one is used; otherwise it is made
                // when the loop asks for it, so a loop that stops here (First()) never pays for it.
                next = Prefetch && i + 1 < chunks.Count ? Start(chunks[i + 1]) : null;
                yield return batch;
                // Reached only when the caller asks for another batch: this one is done with. A loop that
                // stops here (break, First()) keeps its batch.
                Free(batch);
            }
        }
        finally
        {
            // A loop left early still owns the batch being prepared, which nobody asked for: free it, and
            // never let its failure replace what the caller's own loop body threw.
            if (next is not null)
            {
                try { Free(next.GetAwaiter().GetResult()); }
                catch (Exception) { }
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    List<long[]> Chunks(long[] indices)
    {
        var chunks = new List<long[]>();
        for (long start = 0; start < indices.LongLength; start += BatchSize)
        {
            var chunk = indices[(int)start..(int)Math.Min(start + BatchSize, indices.LongLength)];
            if (DropLast && chunk.Length < BatchSize) break;
            chunks.Add(chunk);
        }
        return chunks;
    }

    (Tensor, Tensor) Fetch(long[] indices)
    {
        using var scope = NewDisposeScope();
        // libtorch's errors from a dataset's own code (its transform, usually) come out as one sentence naming the samples.
        var batch = Dataset is IBatchedDataset batched
            ? NativeErrors.Explained(() => batched.GetBatch(indices), () =>
                $"The {Dataset.GetType().Name} could not make the batch of samples {string.Join(", ", indices.Take(3))}{(indices.Length > 3 ? ", …" : "")} (in its transform, if it has one)")
            : Stack(indices);
        return (Place(batch["data"]), Place(batch["label"]));
    }

    Tensor Place(Tensor tensor) =>
        tensor.On(Device).DetachFromDisposeScope();

    Task<(Tensor, Tensor)> Start(long[] chunk)
    {
        if (Prefetch) return Task.Run(() => OpenMpThreads.OnOneThread(() => Fetch(chunk)));
        // Made on the caller's thread; a failure is kept in the task so that Await unwraps it as it does a prefetch's.
        try { return Task.FromResult(Fetch(chunk)); }
        catch (Exception e) { return Task.FromException<(Tensor, Tensor)>(e); }
    }

    /// <summary>The batch, or the exception that making it threw, unwrapped from the task and the parallel loop.</summary>
    static (Tensor, Tensor) Await(Task<(Tensor, Tensor)> task)
    {
        try { return task.GetAwaiter().GetResult(); }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    static void Free((Tensor Data, Tensor Labels) batch)
    {
        batch.Data.Dispose();
        batch.Labels.Dispose();
    }

    Dictionary<string, Tensor> Stack(long[] indices)
    {
        var items = new Dictionary<string, Tensor>[indices.Length];
        try
        {
            Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i =>
            {
                // Dispose scopes belong to a thread: each sample's intermediates are freed here, its outputs kept.
                items[i] = OpenMpThreads.OnOneThread(() =>
                {
                    using var scope = NewDisposeScope();
                    var item = NativeErrors.Explained(() => Dataset.GetTensor(indices[i]), () =>
                        $"The {Dataset.GetType().Name} could not make sample {indices[i]} (in its GetTensor or its transform)");
                    foreach (var tensor in item.Values) tensor.DetachFromDisposeScope();
                    return item;
                });
            });
            return items[0].Keys.ToDictionary(key => key, key => Batching.Stack(items.Select(item => item[key]).ToList(), i => $"sample {indices[i]}"));
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
