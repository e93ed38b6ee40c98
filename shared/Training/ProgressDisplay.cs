using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

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

    static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    readonly Style style;
    readonly TextWriter writer;
    readonly TrainingHistory history;
    readonly Stopwatch sinceRefresh = Stopwatch.StartNew();
    DisplayedValue? shown;
    int epochsWritten;

    public ProgressDisplay(TextWriter? log, TrainingHistory history)
    {
        writer = log ?? Console.Out;
        this.history = history;
        style = log is not null || KernelInvocationContext.Current is null ? Style.Lines
            : Assembly.GetEntryAssembly()?.GetName().Name == "dotnet-repl" ? Style.Once
            : Style.Live;
    }

    /// <summary>
    /// During an epoch: the table so far plus the batch in progress, which <paramref name="current"/> describes.
    /// It is called only when the display refreshes, since describing the batch reads its running loss back from the device.
    /// </summary>
    public void Show(Func<string> current)
    {
        if (style == Style.Live && sinceRefresh.Elapsed >= RefreshInterval) Update(history.Describe(current()));
    }

    /// <summary>After an epoch: the table including it.</summary>
    public void EndEpoch()
    {
        if (style == Style.Live) Update(history.Describe(null));
        if (style != Style.Lines) return;
        var rows = history.Describe(null).Split('\n');
        if (epochsWritten++ == 0) writer.WriteLine(rows[0]);
        writer.WriteLine(rows[history.Epochs.Count]);
    }

    /// <summary>After training, however it ended: the whole table, with which weights the model holds now.</summary>
    public void Finish()
    {
        if (style != Style.Lines)
        {
            Update(history.Describe(null));
            // The cell may end with the history itself: its formatter then shows nothing a second time.
            history.ShownBy = KernelInvocationContext.Current?.Command;
        }
        else if (history.Outcome is { } outcome) writer.WriteLine(outcome);
    }

    void Update(string text)
    {
        if (shown is null) shown = text.Display("text/plain");
        else shown.Update(text);
        sinceRefresh.Restart();
    }
}
