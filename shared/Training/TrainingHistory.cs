using System.Text;
using DeepLearningCourse.Display;

namespace DeepLearningCourse.Training;

/// <summary>What one epoch measured.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValidLoss, double? ValidAccuracy, TimeSpan Duration);

/// <summary>
/// Every epoch of a <see cref="Trainer.Fit"/> call. A notebook cell that ends with it shows its table; it also
/// draws the loss and accuracy curves.
/// </summary>
public sealed class TrainingHistory
{
    readonly List<EpochResult> epochs = [];

    internal TrainingHistory(int plannedEpochs, bool keepingBest = false)
    {
        PlannedEpochs = plannedEpochs;
        KeepingBest = keepingBest;
    }

    /// <summary>The epochs finished so far, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>How many epochs the training was asked to run.</summary>
    public int PlannedEpochs { get; }

    /// <summary>
    /// The epoch with the lowest validation loss (the last epoch when there was no validation). A validation
    /// loss that is NaN or infinite is never the best: 0 when no epoch had a finite one.
    /// </summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch whose weights the model holds after training, when the best ones were kept.</summary>
    public int? RestoredEpoch { get; internal set; }

    /// <summary>
    /// What ended the training before its last epoch: the error, or an <see cref="OperationCanceledException"/> for
    /// an interrupt. Null when every planned epoch ran.
    /// </summary>
    public Exception? StoppedBy { get; private set; }

    /// <summary>The epoch that was running when <see cref="StoppedBy"/> ended the training.</summary>
    public int? StoppedInEpoch { get; private set; }

    /// <summary>Whether the training was asked to keep the weights of the best epoch.</summary>
    internal bool KeepingBest { get; }

    /// <summary>The last epoch.</summary>
    public EpochResult Last => epochs[^1];

    /// <summary>The epoch named by <see cref="BestEpoch"/>, if any.</summary>
    public EpochResult? Best => BestEpoch == 0 ? null : epochs[BestEpoch - 1];

    /// <summary>Time spent in all epochs together.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(epochs.Sum(e => e.Duration.Ticks));

    /// <summary>The notebook command whose output already shows this history's table (so returning it adds nothing).</summary>
    internal object? ShownBy { get; set; }

    internal void Stop(Exception reason, int epoch)
    {
        StoppedBy = reason;
        StoppedInEpoch = epoch;
    }

    /// <summary>
    /// One line saying which weights the model ended with and, after an error or an interrupt, where the epochs so far
    /// are; null when the training ran to the end without keeping the best weights, which leaves nothing to say.
    /// </summary>
    internal string? Outcome
    {
        get
        {
            var finished = $"the {epochs.Count} finished epoch{(epochs.Count == 1 ? " is" : "s are")} in trainer.History";
            if (StoppedBy is { } reason)
            {
                var stopped = reason is OperationCanceledException
                    ? $"Interrupted in epoch {StoppedInEpoch}"
                    : $"Stopped in epoch {StoppedInEpoch} by {reason.GetType().Name}";
                if (RestoredEpoch is { } kept)
                    return string.Create(Formats.Number, $"{stopped}: restored the weights of epoch {kept} (lowest validation loss so far, {Best!.ValidLoss:F4}); {finished}.");
                if (KeepingBest)
                    return epochs.Count == 0
                        ? $"{stopped}, before any epoch finished: there were no best weights to restore, so the model holds the weights it had when it stopped."
                        : $"{stopped}: no finished epoch had a finite validation loss, so no weights were restored and the model holds those it had when it stopped; {finished}.";
                return $"{stopped}: the model holds the weights it had when it stopped; {finished}.";
            }
            if (RestoredEpoch is { } restored)
                return $"Kept the weights of epoch {restored} (lowest validation loss).";
            if (KeepingBest && epochs.Count > 0)
                return $"Kept no weights: no epoch had a finite validation loss, so the model holds those of the last epoch, {epochs.Count}.";
            return null;
        }
    }

    internal void Add(EpochResult result)
    {
        epochs.Add(result);
        if (result.ValidLoss is not { } loss)
            BestEpoch = result.Epoch;
        else if (double.IsFinite(loss) && (Best is null || loss < Best.ValidLoss))
            BestEpoch = result.Epoch;
    }

    /// <summary>Training (and validation) loss per epoch as a line chart.</summary>
    public PngImage LossCurve(string title = "Loss per epoch")
    {
        var series = new List<(string, IReadOnlyList<double>)> { ("training loss", epochs.Select(e => e.TrainLoss).ToList()) };
        if (epochs.All(e => e.ValidLoss is not null))
            series.Add(("validation loss", epochs.Select(e => e.ValidLoss!.Value).ToList()));
        return Charts.Line(title, "epoch", "loss", [.. series]);
    }

    /// <summary>Training (and validation) accuracy per epoch as a line chart; only for classifiers.</summary>
    public PngImage AccuracyCurve(string title = "Accuracy per epoch")
    {
        if (epochs.Any(e => e.TrainAccuracy is null))
            throw new InvalidOperationException("This training measured no accuracy: the model's outputs are not one score per class with class-index labels.");
        var series = new List<(string, IReadOnlyList<double>)> { ("training accuracy", epochs.Select(e => e.TrainAccuracy!.Value).ToList()) };
        if (epochs.All(e => e.ValidAccuracy is not null))
            series.Add(("validation accuracy", epochs.Select(e => e.ValidAccuracy!.Value).ToList()));
        return Charts.Line(title, "epoch", "accuracy", [.. series]);
    }

    /// <summary>A table of the epochs so far, optionally followed by a line about the epoch in progress.</summary>
    internal string Describe(string? current)
    {
        var text = new StringBuilder();
        var validating = epochs.Any(e => e.ValidLoss is not null);
        var accuracy = epochs.Any(e => e.TrainAccuracy is not null);
        text.Append("epoch  train loss");
        if (accuracy) text.Append("  train acc");
        if (validating) text.Append("  valid loss");
        if (validating && accuracy) text.Append("  valid acc");
        text.AppendLine("   time");
        foreach (var e in epochs)
        {
            text.Append(Formats.Number, $"{e.Epoch,5}  {e.TrainLoss,10:F4}");
            if (accuracy) text.Append(Formats.Number, $"  {e.TrainAccuracy,9:P1}");
            if (validating) text.Append(Formats.Number, $"  {e.ValidLoss,10:F4}");
            if (validating && accuracy) text.Append(Formats.Number, $"  {e.ValidAccuracy,9:P1}");
            text.Append(Formats.Number, $"  {e.Duration.TotalSeconds,5:F1} s");
            if (validating && e.Epoch == BestEpoch) text.Append("  <- best");
            text.AppendLine();
        }
        if (current is not null) text.AppendLine(current);
        else if (Outcome is { } outcome) text.AppendLine(outcome);
        return text.ToString().TrimEnd();
    }

    /// <summary>The table of epochs.</summary>
    public override string ToString() => Describe(null);
}
