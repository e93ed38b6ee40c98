using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>One code cell of a notebook dotnet-repl has executed.</summary>
public sealed record ExecutedCell(int Number, string FirstLine, DateTimeOffset? Start, DateTimeOffset? End, string? Error)
{
    public TimeSpan Duration => Start is { } s && End is { } e ? e - s : TimeSpan.Zero;
}

/// <summary>Reads what dotnet-repl wrote: each code cell's timing and its error output, if any.</summary>
public static class ExecutedNotebook
{
    public static IReadOnlyList<ExecutedCell> Read(JsonObject notebook)
    {
        var cells = new List<ExecutedCell>();
        var number = 0;
        foreach (var cell in NotebookJson.Cells(notebook).Where(NotebookJson.IsCode))
        {
            number++;
            var metadata = cell["metadata"];
            var source = NotebookJson.Text(cell["source"]);
            var error = cell["outputs"]?.AsArray()
                .FirstOrDefault(o => (string?)o!["output_type"] == "error") is { } e
                ? FirstLine($"{(string?)e["ename"]}: {(string?)e["evalue"]}")
                : null;
            cells.Add(new ExecutedCell(number, FirstLine(source), Time(metadata?["dotnet_repl_cellExecutionStartTime"]),
                Time(metadata?["dotnet_repl_cellExecutionEndTime"]), error));
        }
        return cells;
    }

    /// <summary>
    /// From the first cell's start to the end of the cell that imports the course setup: how long a
    /// learner waits before the lesson can run (the kernel's own start-up comes before and is not included).
    /// </summary>
    public static TimeSpan? ReadyTime(IReadOnlyList<ExecutedCell> cells)
    {
        var setup = cells.FirstOrDefault(c => c.FirstLine.Contains("Course.dib"));
        return setup?.End is { } end && cells[0].Start is { } start ? end - start : null;
    }

    static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    static DateTimeOffset? Time(JsonNode? value) => DateTimeOffset.TryParse((string?)value, out var t) ? t : null;
}
