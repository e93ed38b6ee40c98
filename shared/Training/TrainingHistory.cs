using System.Globalization;
using System.Text;
using DeepLearningCourse.Display;

namespace DeepLearningCourse.Training;

/// <summary>What one epoch measured.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValidLoss, double? ValidAccuracy, TimeSpan Duration);

/// <summary>Every epoch of a <see cref="Trainer.Fit"/> call, with the chart and table lessons show.</summary>
public sealed class TrainingHistory
{
    readonly List<EpochResult> epochs = [];

    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>The epoch with the lowest validation loss (the last epoch when there was no validation).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch whose weights the model holds after training, when the best ones were kept.</summary>
    public int? RestoredEpoch { get; internal set; }

    public EpochResult Last => epochs[^1];

    public EpochResult Best => epochs[BestEpoch - 1];

    public TimeSpan Duration => TimeSpan.FromTicks(epochs.Sum(e => e.Duration.Ticks));

    internal void Add(EpochResult result)
    {
        epochs.Add(result);
        if (BestEpoch == 0 || result.ValidLoss is null || result.ValidLoss < Best.ValidLoss)
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

    /// <summary>A table of the epochs so far, optionally followed by a line about the epoch in progress.</summary>
    public string Describe(int totalEpochs, string? current)
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
        else if (epochs.Count == totalEpochs && RestoredEpoch is { } restored)
            text.AppendLine(Formats.Number, $"Kept the weights of epoch {restored} (lowest validation loss).");
        return text.ToString().TrimEnd();
    }

    public override string ToString() => Describe(epochs.Count, null);
}
