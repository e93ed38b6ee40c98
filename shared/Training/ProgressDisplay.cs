using DeepLearningCourse.Display;
using Microsoft.DotNet.Interactive;

namespace DeepLearningCourse.Training;

/// <summary>
/// Shows a training run as ONE notebook output that updates in place (in VS Code, at most twice a second)
/// and ends as the history's table. Headless runners (dotnet-repl) record every update as a separate output,
/// so there the table is shown once, at the end. Outside a notebook, or with an explicit log, each finished
/// epoch is one line of text.
/// </summary>
sealed class ProgressDisplay
{
    enum Style { Live, Once, Lines }

    readonly Style style;
    readonly TextWriter writer;
    readonly TrainingHistory history;
    readonly LiveOutput output;
    int epochsWritten;

    public ProgressDisplay(TextWriter? log, TrainingHistory history)
    {
        writer = log ?? Console.Out;
        this.history = history;
        output = new LiveOutput(log);
        style = output.Mode switch
        {
            LiveOutput.Kind.Notebook => Style.Live,
            LiveOutput.Kind.NotebookAtEnd => Style.Once,
            _ => Style.Lines,   // outside a notebook, finished epochs are lines, not one rewritten line
        };
    }

    /// <summary>
    /// During an epoch: the table so far plus the batch in progress, which <paramref name="current"/> describes.
    /// It is called only when the display refreshes, since describing the batch reads its running loss back from the device.
    /// </summary>
    public void Show(Func<string> current)
    {
        if (style == Style.Live && output.DueForRefresh) output.Update(history.Describe(current()), now: true);
    }

    /// <summary>After an epoch: the table including it.</summary>
    public void EndEpoch()
    {
        if (style == Style.Live) output.Update(history.Describe(null), now: true);
        if (style != Style.Lines) return;
        var rows = history.Describe(null).Split('\n');
        if (epochsWritten++ == 0) writer.WriteLine(rows[0]);
        writer.WriteLine(rows[history.Epochs.Count]);
    }

    /// <summary>After training: the whole table, with which weights were kept.</summary>
    public void Finish()
    {
        if (style != Style.Lines)
        {
            output.Finish(history.Describe(null));
            // The cell may end with the history itself: its formatter then shows nothing a second time.
            history.ShownBy = KernelInvocationContext.Current?.Command;
        }
        else if (history.RestoredEpoch is not null) writer.WriteLine(history.Describe(null).Split('\n')[^1]);
    }
}
