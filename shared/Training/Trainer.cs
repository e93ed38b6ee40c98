using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// The training loop for lessons that are not about writing one (Parts 3 and 5 write it by hand
/// first). One call trains for some epochs, validates after each, reports progress in a single
/// updating output, and can keep the weights of the epoch with the best validation loss.
/// </summary>
/// <remarks>
/// Batches are the dictionaries the course's loaders (and TorchSharp's DataLoader) produce:
/// "data" is the model's input and "label" its target. Accuracy is measured when the model
/// outputs one score per class ([N, C]) and the labels are class indices.
/// </remarks>
public sealed class Trainer
{
    readonly nn.Module<Tensor, Tensor> model;
    readonly nn.Module<Tensor, Tensor, Tensor> criterion;
    readonly optim.Optimizer optimizer;
    readonly Device device;

    public Trainer(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> criterion, optim.Optimizer optimizer, Device? device = null)
    {
        this.model = model;
        this.criterion = criterion;
        this.optimizer = optimizer;
        this.device = device ?? Course.Device;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs over <paramref name="trainloader"/>, evaluating on
    /// <paramref name="validloader"/> after each epoch when given. With <paramref name="keepBest"/> the
    /// model ends with the weights of the epoch whose validation loss was lowest.
    /// </summary>
    public TrainingHistory Fit(IEnumerable<Dictionary<string, Tensor>> trainloader, int epochs, IEnumerable<Dictionary<string, Tensor>>? validloader = null, bool keepBest = false, TextWriter? log = null)
    {
        if (keepBest && validloader is null)
            throw new ArgumentException("Keeping the best weights needs a validation loader.", nameof(keepBest));

        var history = new TrainingHistory();
        var progress = new ProgressDisplay(log);
        Dictionary<string, Tensor>? best = null;
        try
        {
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var train = RunEpoch(trainloader, training: true, (batch, of, loss) =>
                    progress.Show(history.Describe(epochs, $"epoch {epoch}/{epochs}  batch {batch}{(of is null ? "" : $"/{of}")}  loss {loss:F4}")));
                var valid = validloader is null ? default(Measured?) : RunEpoch(validloader, training: false, (_, _, _) => { });
                history.Add(new EpochResult(epoch, train.Loss, train.Accuracy, valid?.Loss, valid?.Accuracy, clock.Elapsed));

                if (keepBest && history.BestEpoch == epoch)
                {
                    DisposeAll(best);
                    best = Snapshot();
                }
                progress.EndEpoch(history.Describe(epochs, null));
            }

            if (best is not null)
            {
                using (no_grad())
                    model.load_state_dict(best);
                history.RestoredEpoch = history.BestEpoch;
            }
            progress.Finish(history.Describe(epochs, null));
            return history;
        }
        finally
        {
            DisposeAll(best);
        }
    }

    /// <summary>Average loss (and accuracy, where it applies) of the model over a loader, without training.</summary>
    public Measured Evaluate(IEnumerable<Dictionary<string, Tensor>> loader) => RunEpoch(loader, training: false, (_, _, _) => { });

    Measured RunEpoch(IEnumerable<Dictionary<string, Tensor>> loader, bool training, Action<int, long?, double> onBatch)
    {
        model.train(training);
        double lossSum = 0;
        long seen = 0, correct = 0;
        bool classifying = true;
        int batchIndex = 0;
        var batches = BatchCount(loader);

        using var gradients = training ? null : no_grad();
        foreach (var batch in loader)
        {
            // Everything the step creates is freed at the end of the step, so memory stays flat.
            using var scope = NewDisposeScope();
            var input = batch["data"].to(device);
            var target = batch["label"].to(device);

            var output = model.call(input);
            var loss = criterion.call(output, target);
            if (training)
            {
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }

            var n = input.shape[0];
            lossSum += loss.item<float>() * n;
            seen += n;
            classifying &= output.dim() == 2 && target.dim() == 1 && target.dtype == ScalarType.Int64;
            if (classifying)
                correct += output.argmax(1).eq(target).sum().item<long>();
            onBatch(++batchIndex, batches, lossSum / seen);
        }
        if (seen == 0) throw new InvalidOperationException("The data loader produced no batches.");
        return new Measured(lossSum / seen, classifying ? (double)correct / seen : null);
    }

    /// <summary>Batches per epoch, for the progress line, when the loader knows it without iterating.</summary>
    static long? BatchCount(IEnumerable<Dictionary<string, Tensor>> loader) => loader switch
    {
        Data.DataLoader course => course.Count,
        DataLoader torchSharp => torchSharp.Count,
        _ => null,
    };

    Dictionary<string, Tensor> Snapshot()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // The copies outlive this scope; the intermediate detached views do not.
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}

/// <summary>A loss averaged over samples, and the share classified correctly where that applies.</summary>
public readonly record struct Measured(double Loss, double? Accuracy);
