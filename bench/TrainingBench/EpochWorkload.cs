using DeepLearningCourse.Data;
using TorchSharp;
using DataLoader = DeepLearningCourse.Data.DataLoader;
using static TorchSharp.torch;
using static Measurements;

/// <summary>
/// A model, its criterion and optimiser, and how a batch (data, labels) becomes the loss: the parts of a training
/// loop that one workload's library and floor share. Made afresh, from torch's seed 7, for each side.
/// </summary>
sealed record Training(nn.Module<Tensor, Tensor> Model, nn.Module<Tensor, Tensor, Tensor> Criterion, optim.Optimizer Optimizer, Func<Tensor, Tensor, Tensor> Loss)
{
    /// <summary>The usual case: the model's output against the labels.</summary>
    public static Training Supervised(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> criterion, optim.Optimizer optimizer) =>
        new(model, criterion, optimizer, (data, labels) => criterion.call(model.call(data), labels));

    /// <summary>
    /// The lessons' own loop (Section 2 Part 3, Section 3 Lessons 4 and 8, Section 2 Part 8): a dispose scope per
    /// batch, zero the gradients, loss, backward, step, and the batch's loss read back for the epoch's figure, which
    /// it returns (the summed loss per sample; the lessons divide it as each reports it).
    /// </summary>
    public double LessonEpoch(IEnumerable<(Tensor Data, Tensor Labels)> loader)
    {
        double total = 0;
        foreach (var (data, labels) in loader)
        {
            using var scope = NewDisposeScope();
            Optimizer.zero_grad();
            var loss = Loss(data, labels);
            loss.backward();
            Optimizer.step();
            total += loss.item<float>() * data.shape[0];
        }
        return total;
    }

    /// <summary>The floor: the same steps over batches made beforehand, with nothing read back.</summary>
    public void TightLoop(IReadOnlyList<(Tensor Data, Tensor Labels)> batches)
    {
        foreach (var (data, labels) in batches)
        {
            using var scope = NewDisposeScope();
            Optimizer.zero_grad();
            Loss(data, labels).backward();
            Optimizer.step();
        }
    }
}

/// <summary>
/// One epoch over a dataset: the library (the course's DataLoader and the lesson's loop, or another library epoch
/// such as Trainer.Fit) against the floor (the same training over batches gathered and transformed before the clock
/// starts: random augmentation is then drawn once, and its cost is the library's).
/// </summary>
static class EpochWorkload
{
    public static void Measure(string name, torch.utils.data.Dataset dataset, int batchSize, bool shuffle, Func<Training> newTraining,
        Device device, int runs, double target, Func<Training, DataLoader, Action>? libraryEpoch = null)
    {
        Console.WriteLine($"== {name}: {dataset}");
        libraryEpoch ??= (training, loader) => () => training.LessonEpoch(loader);

        Func<Seconds> NewLibrary()
        {
            torch.manual_seed(7);
            var epoch = libraryEpoch(newTraining(), new DataLoader(dataset, batchSize, shuffle, device: device));
            return () => Time(epoch);
        }

        torch.manual_seed(7);
        var floorTraining = newTraining();
        var batches = InMemoryBatches((IBatchedDataset)dataset, batchSize, shuffle, device);
        Compare(name, "epoch", NewLibrary, () => Time(() => floorTraining.TightLoop(batches)), runs, target);
        foreach (var (data, labels) in batches) { data.Dispose(); labels.Dispose(); }
    }

    /// <summary>One epoch of batches, shuffled or in order, made up front from the dataset's own batch path.</summary>
    static List<(Tensor, Tensor)> InMemoryBatches(IBatchedDataset dataset, int batchSize, bool shuffle, Device device)
    {
        var count = ((torch.utils.data.Dataset)dataset).Count;
        using var permutation = shuffle ? torch.randperm(count) : torch.arange(count);
        var order = permutation.data<long>().ToArray();
        var batches = new List<(Tensor, Tensor)>();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = dataset.GetBatch(order[start..Math.Min(start + batchSize, order.Length)]);
            batches.Add((batch["data"].to(device).contiguous().DetachFromDisposeScope(), batch["label"].to(device).contiguous().DetachFromDisposeScope()));
        }
        return batches;
    }
}
