using DeepLearningCourse.Infrastructure;
using Microsoft.DotNet.Interactive;
using Kind = DeepLearningCourse.Infrastructure.LiveOutput.Kind;

namespace DeepLearningCourse.Training;

/// <summary>
/// Shows a training run as ONE notebook output that updates in place (in VS Code, at most twice a second)
/// and ends as the history's table. Headless runners (dotnet-repl) record every update as a separate output,
/// so there the table is shown once, at the end. Outside a notebook (an app in <c>apps/</c>) each finished epoch
/// is one line of the table, and in a terminal one more line, rewritten in place, follows the batch in progress;
/// with output redirected, or an explicit log, the epochs' lines are all there is.
/// </summary>
sealed class ProgressDisplay
{
    readonly LiveOutput output;
    readonly TrainingHistory history;
    int epochsWritten;
    bool batchShown;

    public ProgressDisplay(TextWriter? log, TrainingHistory history) : this(new LiveOutput(log), history) { }

    internal ProgressDisplay(LiveOutput output, TrainingHistory history)
    {
        this.output = output;
        this.history = history;
    }

    /// <summary>
    /// During an epoch: the table so far plus the batch in progress, which <paramref name="current"/> describes.
    /// It is called only when the display refreshes, since describing the batch reads its running loss back from the device.
    /// </summary>
    public void Show(Func<string> current)
    {
        if (output.Mode == Kind.Notebook && output.DueForRefresh) output.Update(history.Describe(current()), now: true);
        // A terminal shows the first batch at once, then at most twice a second.
        else if (output.Mode == Kind.Terminal && (!batchShown || output.DueForRefresh))
        {
            output.Update(current(), now: true);
            batchShown = true;
        }
    }

    /// <summary>After an epoch: the table including it.</summary>
    public void EndEpoch()
    {
        if (output.Mode == Kind.Notebook) output.Update(history.Describe(null), now: true);
        if (output.Mode is not (Kind.Lines or Kind.Terminal)) return;
        output.Clear();
        batchShown = false;
        var rows = history.Describe(null).Split('\n');
        if (epochsWritten++ == 0) output.Writer.WriteLine(rows[0]);
        output.Writer.WriteLine(rows[history.Epochs.Count]);
    }

    /// <summary>After training, however it ended: the whole table, with which weights the model holds now.</summary>
    public void Finish()
    {
        if (output.Mode is Kind.Notebook or Kind.NotebookAtEnd)
        {
            output.Finish(history.Describe(null));
            // The cell may end with the history itself: its formatter then shows nothing a second time.
            history.ShownBy = KernelInvocationContext.Current?.Command;
        }
        else if (history.Outcome is { } outcome) output.Writer.WriteLine(outcome);
    }
}
