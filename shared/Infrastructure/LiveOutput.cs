using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// Text that updates in place while something runs (training, a download): in a notebook one output
/// re-rendered at most twice a second, in a terminal one line rewritten. Where nothing can be updated in
/// place (a headless notebook runner records every update as a separate output; a log file keeps every
/// line), only the final text is shown.
/// </summary>
sealed class LiveOutput
{
    /// <summary>Where the text goes, and so how it can be updated.</summary>
    public enum Kind
    {
        /// <summary>A notebook front end that re-renders an output (VS Code).</summary>
        Notebook,
        /// <summary>A headless notebook runner (dotnet-repl): one output, shown at the end.</summary>
        NotebookAtEnd,
        /// <summary>An interactive terminal: one line, rewritten with a carriage return.</summary>
        Terminal,
        /// <summary>A log, a file or a pipe: whole lines only.</summary>
        Lines,
    }

    static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    readonly Stopwatch sinceRefresh = Stopwatch.StartNew();
    DisplayedValue? shown;
    int terminalWidth;

    /// <summary>Updates <paramref name="log"/> when given (then <see cref="Kind.Lines"/>), otherwise the notebook or the console.</summary>
    public LiveOutput(TextWriter? log) : this(log ?? Console.Out, KindFor(log)) { }

    internal LiveOutput(TextWriter writer, Kind mode)
    {
        Writer = writer;
        Mode = mode;
    }

    /// <summary>How this output updates.</summary>
    public Kind Mode { get; }

    /// <summary>Where <see cref="Kind.Terminal"/> and <see cref="Kind.Lines"/> text goes.</summary>
    public TextWriter Writer { get; }

    /// <summary>The kind of output a display that writes to <paramref name="log"/> (or, when null, to the notebook or console) gets.</summary>
    public static Kind KindFor(TextWriter? log) =>
        Choose(log is not null, KernelInvocationContext.Current is not null,
            Assembly.GetEntryAssembly()?.GetName().Name == "dotnet-repl", Console.IsOutputRedirected);

    /// <summary>The kind for a log or none, in a notebook (under dotnet-repl or not) or not, with the console redirected or not.</summary>
    internal static Kind Choose(bool log, bool notebook, bool repl, bool redirected) =>
        log ? Kind.Lines
        : notebook ? repl ? Kind.NotebookAtEnd : Kind.Notebook
        : redirected ? Kind.Lines
        : Kind.Terminal;

    /// <summary>Whether the last refresh was long enough ago for another (a caller can skip preparing text until then).</summary>
    public bool DueForRefresh => sinceRefresh.Elapsed >= RefreshInterval;

    /// <summary>
    /// Shows <paramref name="text"/> in place of the previous text, if the last refresh was long enough ago
    /// (or <paramref name="now"/>); does nothing where text cannot be updated in place.
    /// </summary>
    public void Update(string text, bool now = false)
    {
        if (!now && !DueForRefresh) return;
        switch (Mode)
        {
            case Kind.Notebook:
                Render(text);
                break;
            case Kind.Terminal:
                // Pads over a longer previous line; the cursor stays on the line for the next update.
                Writer.Write("\r" + text.PadRight(terminalWidth));
                terminalWidth = text.Length;
                Writer.Flush();
                break;
        }
        sinceRefresh.Restart();
    }

    /// <summary>Blanks a terminal line left by <see cref="Update"/>, so that whole lines can follow; nothing elsewhere.</summary>
    public void Clear()
    {
        if (Mode != Kind.Terminal || terminalWidth == 0) return;
        Writer.Write("\r" + new string(' ', terminalWidth) + "\r");
        terminalWidth = 0;
    }

    /// <summary>Ends the output with <paramref name="text"/>: the notebook output's last state, the terminal line completed, or one line of a log.</summary>
    public void Finish(string text)
    {
        switch (Mode)
        {
            case Kind.Notebook or Kind.NotebookAtEnd:
                Render(text);
                break;
            case Kind.Terminal:
                Writer.WriteLine("\r" + text.PadRight(terminalWidth));
                break;
            default:
                Writer.WriteLine(text);
                break;
        }
    }

    void Render(string text)
    {
        if (shown is null) shown = text.Display("text/plain");
        else shown.Update(text);
    }
}
