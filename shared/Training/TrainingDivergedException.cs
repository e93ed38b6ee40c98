namespace DeepLearningCourse.Training;

/// <summary>The loss stopped being a number: training cannot recover from here, so it stops and says where.</summary>
public sealed class TrainingDivergedException(double loss, int epoch, int? batch = null) : Exception(
    $"The training loss became {loss} in epoch {epoch}{(batch is int b ? $", batch {b}" : "")}, so the weights can no longer be trusted. "
    + "Usual causes: a learning rate too high for this model (try ten times smaller), inputs that contain NaN or infinite values, "
    + "or a loss given probabilities where it expects log-probabilities.")
{
    /// <summary>The non-finite loss value.</summary>
    public double Loss { get; } = loss;

    /// <summary>The epoch (1-based) in which it happened.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch (1-based) of that epoch, where the loop that noticed knows it.</summary>
    public int? Batch { get; } = batch;

    /// <summary>
    /// For a training loop written by hand: stops it with the message <see cref="Trainer"/> gives when
    /// <paramref name="loss"/>, the epoch's loss about to be printed, is not a finite number. One line after the
    /// loss is computed, like <c>ArgumentNullException.ThrowIfNull</c>; later epochs would only print NaN.
    /// </summary>
    public static void ThrowIfNotFinite(double loss, int epoch)
    {
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(loss, epoch);
    }
}
