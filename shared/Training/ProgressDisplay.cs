using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

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
    internal enum Style { Live, Once, Lines, Terminal }

    static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    readonly Style style;
    readonly TextWriter writer;
    readonly TrainingHistory history;
    readonly Stopwatch sinceRefresh = Stopwatch.StartNew();
    DisplayedValue? shown;
    int epochsWritten;
    int batchLineLength;

    public ProgressDisplay(TextWriter? log, TrainingHistory history)
        : this(log ?? Console.Out, history, Choose(log is not null, KernelInvocationContext.Current is not null,
            Assembly.GetEntryAssembly()?.GetName().Name == "dotnet-repl", Console.IsOutputRedirected))
    {
    }

    internal ProgressDisplay(TextWriter writer, TrainingHistory history, Style style)
    {
        this.writer = writer;
        this.history = history;
        this.style = style;
    }

    /// <summary>How progress shows: given a log, in a notebook (under dotnet-repl or not), or in a terminal (unless redirected).</summary>
    internal static Style Choose(bool log, bool notebook, bool repl, bool redirected) =>
        log ? Style.Lines
        : notebook ? repl ? Style.Once : Style.Live
        : redirected ? Style.Lines
        : Style.Terminal;

    /// <summary>
    /// During an epoch: the table so far plus the batch in progress, which <paramref name="current"/> describes.
    /// It is called only when the display refreshes, since describing the batch reads its running loss back from the device.
    /// </summary>
    public void Show(Func<string> current)
    {
        if (style == Style.Live && sinceRefresh.Elapsed >= RefreshInterval) Update(history.Describe(current()));
        // A terminal shows the first batch at once, then at most twice a second.
        else if (style == Style.Terminal && (batchLineLength == 0 || sinceRefresh.Elapsed >= RefreshInterval)) WriteBatchLine(current());
    }

    /// <summary>After an epoch: the table including it.</summary>
    public void EndEpoch()
    {
        if (style == Style.Live) Update(history.Describe(null));
        if (style is not (Style.Lines or Style.Terminal)) return;
        ClearBatchLine();
        var rows = history.Describe(null).Split('\n');
        if (epochsWritten++ == 0) writer.WriteLine(rows[0]);
        writer.WriteLine(rows[history.Epochs.Count]);
    }

    /// <summary>After training, however it ended: the whole table, with which weights the model holds now.</summary>
    public void Finish()
    {
        if (style is Style.Live or Style.Once)
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

    /// <summary>Rewrites the terminal's last line (a carriage return, no new line), padded to cover a longer line before it.</summary>
    void WriteBatchLine(string text)
    {
        writer.Write("\r" + text.PadRight(batchLineLength));
        writer.Flush();
        batchLineLength = text.Length;
        sinceRefresh.Restart();
    }

    void ClearBatchLine()
    {
        if (batchLineLength == 0) return;
        writer.Write("\r" + new string(' ', batchLineLength) + "\r");
        batchLineLength = 0;
    }
}
