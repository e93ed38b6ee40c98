using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearningCourse.Training;

/// <summary>
/// Shows training progress as ONE notebook output that updates in place (in VS Code, at most twice
/// a second). Headless runners (dotnet-repl) record every update as a separate output, so there the
/// final table is shown once, at the end. Outside a notebook, or with an explicit log, each finished
/// epoch is one line of text.
/// </summary>
sealed class ProgressDisplay
{
    enum Style { Live, Once, Lines }

    static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    readonly Style style;
    readonly TextWriter writer;
    readonly Stopwatch sinceRefresh = Stopwatch.StartNew();
    DisplayedValue? shown;
    bool headerWritten;

    public ProgressDisplay(TextWriter? log)
    {
        writer = log ?? Console.Out;
        style = log is not null || KernelInvocationContext.Current is null ? Style.Lines
            : Assembly.GetEntryAssembly()?.GetName().Name == "dotnet-repl" ? Style.Once
            : Style.Live;
    }

    /// <summary>During an epoch: the table so far plus the batch in progress.</summary>
    public void Show(string text)
    {
        if (style == Style.Live && sinceRefresh.Elapsed >= RefreshInterval) Update(text);
    }

    /// <summary>After an epoch: the table including it.</summary>
    public void EndEpoch(string table)
    {
        if (style == Style.Live) Update(table);
        if (style != Style.Lines) return;
        var rows = table.Split('\n');
        if (!headerWritten) writer.WriteLine(rows[0]);
        headerWritten = true;
        writer.WriteLine(rows[^1]);
    }

    /// <summary>After training: the whole table, with which weights were kept.</summary>
    public void Finish(string table)
    {
        if (style != Style.Lines) Update(table);
        else if (table.Split('\n')[^1] is var last && last.StartsWith("Kept")) writer.WriteLine(last);
    }

    void Update(string text)
    {
        if (shown is null) shown = text.Display("text/plain");
        else shown.Update(text);
        sinceRefresh.Restart();
    }
}
