using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepLearningCourse.Infrastructure;
using Microsoft.DotNet.Interactive;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// The training loop that Section 2 Part 4 has the learner write, as one call, for lessons that are about
/// something else. For each batch: inputs and labels to the device, zero the gradients, forward pass, loss,
/// backward pass, optimiser step. After each epoch it validates (when given a loader), shows progress in a
/// single updating output, and can keep the weights of the epoch with the best validation loss.
/// </summary>
/// <remarks>
/// Batches are the (inputs, labels) pairs the course's <see cref="Data.DataLoader"/> yields. Accuracy is measured
/// when the model outputs one score per class ([N, C]) and the labels are class indices.
/// </remarks>
public sealed class Trainer
{
    readonly nn.Module<Tensor, Tensor> model;
    readonly nn.Module<Tensor, Tensor, Tensor> criterion;
    readonly optim.Optimizer optimizer;
    readonly Device device;

    /// <summary>
    /// A trainer for <paramref name="model"/>, which must already be on <paramref name="device"/> (batches are moved
    /// there). Refuses a model or an optimizer with nothing to train, which would otherwise "train" silently.
    /// </summary>
    public Trainer(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> criterion, optim.Optimizer optimizer, Device device)
    {
        if (ModuleRegistration.DescribeUnregistered(model) is { } unregistered)
            throw new ArgumentException(unregistered, nameof(model));
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        if (trainable.Count == 0)
            throw new ArgumentException(
                $"The model {model.GetName()} has no trainable parameters, so training could not change it. Either its layers were never " +
                "registered (a Module class must call RegisterComponents() at the end of its constructor) or every parameter is frozen.", nameof(model));
        var optimized = optimizer.parameters().Select(p => p.Handle).ToHashSet();
        if (optimized.Count == 0)
            throw new ArgumentException(
                "The optimizer was given no parameters to update: create it with model.parameters() (the parameters() of a module whose class " +
                "never calls RegisterComponents() are an empty list).", nameof(optimizer));
        if (!trainable.Any(p => optimized.Contains(p.Handle)))
            throw new ArgumentException(
                "The optimizer updates none of the model's trainable parameters: create it from this model's parameters(), " +
                "after moving the model to its device (to(device) replaces them).", nameof(optimizer));
        this.model = model;
        this.criterion = criterion;
        this.optimizer = optimizer;
        this.device = device;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs over <paramref name="trainloader"/>, evaluating on
    /// <paramref name="validloader"/> after each epoch when given. With <paramref name="keepBest"/> the
    /// model ends with the weights of the epoch whose validation loss was lowest. Stops with a
    /// <see cref="TrainingDivergedException"/>, naming the batch, when the training loss stops being a finite
    /// number (checked every 50 batches and at the end of each epoch).
    /// </summary>
    /// <remarks>
    /// However the training ends (the last epoch, an error, or an interrupt: <paramref name="cancellationToken"/>
    /// or the notebook's stop button, checked before every batch), the best weights kept so far are restored, one line
    /// says which weights the model holds, and the epochs so far stay in <see cref="History"/>. An exception leaves
    /// unchanged, with that history in its <c>Data["TrainingHistory"]</c>.
    /// </remarks>
    public TrainingHistory Fit(IEnumerable<(Tensor Data, Tensor Labels)> trainloader, int epochs,
        IEnumerable<(Tensor Data, Tensor Labels)>? validloader = null, bool keepBest = false, TextWriter? log = null,
        CancellationToken cancellationToken = default)
    {
        if (epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Training needs at least one epoch; got {epochs}.");
        if (keepBest && validloader is null)
            throw new ArgumentException("Keeping the best weights needs a validation loader: pass validloader too.", nameof(keepBest));

        var history = History = new TrainingHistory(epochs, keepBest);
        var progress = new ProgressDisplay(log, history);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, NotebookCancellation());
        Dictionary<string, Tensor>? best = null;
        int epoch = 1;
        try
        {
            for (; epoch <= epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var train = RunEpoch(trainloader, epoch, stop.Token, (batch, of, loss) =>
                    progress.Show(() => $"epoch {epoch}/{epochs}  batch {batch}{(of is null ? "" : $"/{of}")}  loss {loss():F4}"));
                var valid = validloader is null ? default(Measured?) : RunEpoch(validloader, epoch: null, stop.Token, (_, _, _) => { });
                history.Add(new EpochResult(epoch, train.Loss, train.Accuracy, valid?.Loss, valid?.Accuracy, clock.Elapsed));

                if (keepBest && history.BestEpoch == epoch)
                {
                    DisposeAll(best);
                    best = Snapshot();
                }
                progress.EndEpoch();
            }
            return history;
        }
        catch (Exception error)
        {
            history.Stop(error, epoch);
            error.Data[nameof(TrainingHistory)] = history;
            throw;
        }
        finally
        {
            try
            {
                if (best is not null)
                {
                    using (no_grad())
                        model.load_state_dict(best);
                    history.RestoredEpoch = history.BestEpoch;
                }
                progress.Finish();
            }
            // Reporting must never replace the error that stopped the training.
            catch (Exception) when (history.StoppedBy is not null) { }
            finally
            {
                DisposeAll(best);
            }
        }
    }

    /// <summary>
    /// The epochs of the latest <see cref="Fit"/>, also when an error or an interrupt ended it early (then
    /// <see cref="TrainingHistory.StoppedBy"/> says why); null before the first.
    /// </summary>
    public TrainingHistory? History { get; private set; }

    /// <summary>Average loss (and accuracy, where it applies) of the model over a loader, in evaluation mode and without gradients.</summary>
    public Measured Evaluate(IEnumerable<(Tensor Data, Tensor Labels)> loader) => RunEpoch(loader, epoch: null, NotebookCancellation(), (_, _, _) => { });

    /// <summary>Cancelled when the notebook's stop button interrupts the running cell (.NET Interactive cancels the cell's command).</summary>
    static CancellationToken NotebookCancellation() => KernelInvocationContext.Current?.CancellationToken ?? CancellationToken.None;

    /// <summary>
    /// Batches between two checks that the training loss is still a number. The loop never waits for a batch's
    /// loss to be read back: losses and correct predictions are added up on the device (<see cref="EpochTotals"/>)
    /// at these checks, at the progress display's refreshes and at the end of the pass, and read only then.
    /// </summary>
    const int DivergenceCheckInterval = 50;

    /// <summary>One pass over <paramref name="loader"/>: training when <paramref name="epoch"/> is given, evaluation otherwise.</summary>
    Measured RunEpoch(IEnumerable<(Tensor Data, Tensor Labels)> loader, int? epoch, CancellationToken stop, Action<int, long?, Func<double>> onBatch)
    {
        var training = epoch is not null;
        model.train(training);
        bool classifying = true;
        var batches = (loader as Data.DataLoader)?.Count;
        using var totals = new EpochTotals(device);
        using var gradients = training ? null : no_grad();

        // Adds the pending batches to the totals; in training, stops at the first batch whose loss was not a number.
        void Fold()
        {
            if (totals.Fold(checkFinite: training) is { } diverged)
                throw new TrainingDivergedException(diverged.Loss, epoch!.Value, diverged.Batch);
        }

        foreach (var (data, labels) in loader)
        {
            stop.ThrowIfCancellationRequested();
            // Everything the step creates is freed at the end of the step, so memory stays flat.
            using (NewDisposeScope())
            {
                var input = data.On(device);
                var target = labels.On(device);
                string Where() => training ? $"in epoch {epoch}, batch {totals.Batches + 1}" : $"in batch {totals.Batches + 1} of the evaluation";

                Tensor output, loss;
                try { output = model.call(input); }
                catch (ExternalException error) { throw StepErrors.Forward(error, model, input, Where()); }
                try { loss = criterion.call(output, target); }
                catch (ExternalException error) { throw StepErrors.Loss(error, criterion, output, target, Where()); }
                if (training)
                {
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                }

                classifying &= output.dim() == 2 && target.dim() == 1 && target.dtype == ScalarType.Int64;
                totals.Add(loss, classifying ? output.argmax(1).eq(target) : null, input.shape[0]);
            }
            if (totals.Pending == DivergenceCheckInterval) Fold();
            onBatch(totals.Batches, batches, () => { Fold(); return totals.Loss; });
        }
        if (totals.Seen == 0) throw new InvalidOperationException("The data loader produced no batches, so there was nothing to train or measure on.");
        Fold();
        return new Measured(totals.Loss, classifying ? totals.Accuracy : null);
    }

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
