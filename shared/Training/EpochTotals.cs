using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// The running loss and correct count of one pass of <see cref="Trainer"/>, kept on the device. A batch hands over
/// its loss and which of its predictions were right; they are added to the totals a group at a time, when the
/// trainer folds them in. On a small network every tensor operation's fixed cost is a noticeable share of a step
/// (a Fashion-MNIST batch trains in about a millisecond), so the per-batch work is kept to a detach, an argmax
/// and a comparison; and nothing is read back to the host before a fold.
/// </summary>
sealed class EpochTotals : IDisposable
{
    readonly Device device;
    readonly Tensor lossSum;
    readonly Tensor correct;
    readonly List<Tensor> losses = [];
    readonly List<double> sizes = [];
    readonly List<Tensor> hits = [];
    int folded;

    public EpochTotals(Device device)
    {
        this.device = device;
        lossSum = zeros(1, ScalarType.Float64, device);
        correct = zeros(1, ScalarType.Int64, device);
    }

    /// <summary>Samples seen so far, folded in or not.</summary>
    public long Seen { get; private set; }

    /// <summary>Batches handed over since the last fold.</summary>
    public int Pending => losses.Count;

    /// <summary>Batches handed over so far, folded in or not.</summary>
    public int Batches => folded + losses.Count;

    /// <summary>
    /// Keeps a batch of <paramref name="count"/> samples: its mean <paramref name="loss"/>, and, for a classifier,
    /// <paramref name="right"/> (true where the prediction was the label). Both outlive the caller's dispose scope
    /// until the next fold.
    /// </summary>
    public void Add(Tensor loss, Tensor? right, long count)
    {
        losses.Add(loss.detach().DetachFromDisposeScope());
        sizes.Add(count);
        if (right is not null) hits.Add(right.DetachFromDisposeScope());
        Seen += count;
    }

    /// <summary>
    /// Adds the pending batches to the totals. With <paramref name="checkFinite"/> it also reads the loss sum back
    /// and, once that is no longer finite, returns the first pending batch whose loss was not (its number in the
    /// pass, counting from 1, and its loss); a non-finite loss keeps the sum so for good, so that is the first.
    /// </summary>
    public (int Batch, float Loss)? Fold(bool checkFinite)
    {
        if (losses.Count == 0) return null;
        try
        {
            using (NewDisposeScope())
            {
                // Each batch's loss is a mean over its samples: weighting by the batch size makes the sum per sample.
                lossSum.add_(stack(losses).to(ScalarType.Float64).mul_(tensor(sizes.ToArray(), device: device)).sum());
                if (hits.Count > 0) correct.add_(cat(hits).sum());
            }
            if (checkFinite && !double.IsFinite(lossSum.item<double>()))
            {
                for (int i = 0; i < losses.Count; i++)
                    if (losses[i].item<float>() is var loss && !float.IsFinite(loss))
                        return (folded + i + 1, loss);
            }
            return null;
        }
        finally
        {
            folded += losses.Count;
            DisposeAndClear(losses);
            DisposeAndClear(hits);
            sizes.Clear();
        }
    }

    /// <summary>The loss per sample over what has been folded in; fold first.</summary>
    public double Loss => lossSum.item<double>() / Seen;

    /// <summary>The share of samples classified correctly over what has been folded in; fold first.</summary>
    public double Accuracy => (double)correct.item<long>() / Seen;

    public void Dispose()
    {
        DisposeAndClear(losses);
        DisposeAndClear(hits);
        lossSum.Dispose();
        correct.Dispose();
    }

    static void DisposeAndClear(List<Tensor> tensors)
    {
        foreach (var t in tensors) t.Dispose();
        tensors.Clear();
    }
}
