using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// Lessons are committed with the outputs of a full run, so a reader on GitHub sees what each cell
/// printed. The notebook's metadata (course.outputs) says how they were produced: the mode, when,
/// and a SHA-256 of the code cells' sources, which <see cref="Check"/> compares to catch outputs
/// that no longer belong to the code above them.
/// </summary>
public static class RecordedOutputs
{
    /// <summary>A lesson with outputs larger than this is slow to open and to diff.</summary>
    public const long MaxBytes = 1_000_000;

    /// <summary>
    /// Copies the outputs of <paramref name="executed"/> into the lesson file and stamps it. Cells,
    /// sources, markdown, cell ids and the lesson's own metadata stay exactly as they are; a cell without
    /// an id gets one (<see cref="CellIds"/>), which the code hash does not include.
    /// </summary>
    /// <exception cref="InvalidDataException">The executed notebook does not have the lesson's cells; nothing is written.</exception>
    public static void Record(string lessonPath, JsonObject executed, string mode, DateTimeOffset recorded)
    {
        var lesson = NotebookJson.Load(lessonPath);
        var cells = NotebookJson.Cells(lesson).ToList();
        var ran = NotebookJson.Cells(executed).ToList();
        if (cells.Count != ran.Count)
            throw new InvalidDataException($"{lessonPath}: the executed copy has {ran.Count} cells, the lesson {cells.Count}; not recorded.");
        for (var i = 0; i < cells.Count; i++)
        {
            if ((string?)cells[i]["cell_type"] != (string?)ran[i]["cell_type"]
                || NotebookJson.Text(cells[i]["source"]) != NotebookJson.Text(ran[i]["source"]))
                throw new InvalidDataException($"{lessonPath}: cell {i + 1} of the executed copy differs from the lesson (was the file edited during the run?); not recorded.");
            if (!NotebookJson.IsCode(cells[i])) continue;
            cells[i]["outputs"] = ran[i]["outputs"]?.DeepClone() ?? new JsonArray();
            cells[i]["execution_count"] = ran[i]["execution_count"]?.DeepClone();
        }

        var metadata = lesson["metadata"] as JsonObject ?? new JsonObject();
        lesson["metadata"] = metadata;
        var course = metadata["course"] as JsonObject ?? new JsonObject();
        metadata["course"] = course;
        course["outputs"] = new JsonObject
        {
            ["mode"] = mode,
            ["recorded"] = recorded.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["code_sha256"] = CodeHash(lesson),
        };
        CellIds.Assign(lesson);
        NotebookJson.Save(lesson, lessonPath);
    }

    /// <summary>Returns a copy of the notebook with every output and execution count removed, as a learner opens it fresh.</summary>
    public static JsonObject WithoutOutputs(JsonObject notebook)
    {
        var copy = (JsonObject)notebook.DeepClone();
        foreach (var cell in NotebookJson.Cells(copy).Where(NotebookJson.IsCode))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        return copy;
    }

    /// <summary>SHA-256 (hex) of the code cells' sources in order; markdown does not count.</summary>
    public static string CodeHash(JsonObject notebook)
    {
        var code = new StringBuilder();
        // Each source ends with a NUL so that moving a line from one cell to the next changes the hash.
        foreach (var cell in NotebookJson.Cells(notebook).Where(NotebookJson.IsCode))
            code.Append(NotebookJson.Text(cell["source"]).Replace("\r\n", "\n")).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.ToString())));
    }

    /// <summary>
    /// What is wrong with a lesson's recorded outputs: none recorded, recorded in fast mode, code
    /// changed since, or a file over <see cref="MaxBytes"/>. Empty when they are current.
    /// </summary>
    public static IReadOnlyList<string> Check(string path)
    {
        var problems = new List<string>();
        var size = new FileInfo(path).Length;
        if (size > MaxBytes) problems.Add($"it is {size / 1e6:F1} MB, over the {MaxBytes / 1e6:F0} MB limit (make its images or printed output smaller)");

        JsonObject notebook;
        try { notebook = NotebookJson.Load(path); }
        catch (InvalidDataException e)
        {
            problems.Add(e.Message);
            return problems;
        }
        if (notebook["metadata"]?["course"]?["outputs"] is not JsonObject outputs)
            problems.Add("it has no recorded outputs");
        else
        {
            if ((string?)outputs["mode"] != "full")
                problems.Add($"its outputs were recorded in {(string?)outputs["mode"] ?? "an unknown"} mode, not from a full run");
            if ((string?)outputs["code_sha256"] != CodeHash(notebook))
                problems.Add("its code changed after its outputs were recorded");
        }
        return problems;
    }

    /// <summary>
    /// Checks every given lesson (exercise notebooks, which learners fill in, carry no outputs) and
    /// reports each problem with the command that fixes it. Returns 0 when all are current.
    /// </summary>
    public static int CheckAll(string root, IEnumerable<string> lessons, TextWriter log)
    {
        var checkedCount = 0;
        var stale = 0;
        foreach (var lesson in lessons.Where(l => !Path.GetFileName(l).Contains("(Exercises)")))
        {
            checkedCount++;
            var problems = Check(lesson);
            if (problems.Count == 0) continue;
            stale++;
            var relative = Path.GetRelativePath(root, lesson);
            log.WriteLine($"STALE  {relative}: {string.Join("; ", problems)}.");
            log.WriteLine($"       Refresh it with: tools/run-course --record \"{relative}\"");
        }
        log.WriteLine(stale == 0
            ? $"Recorded outputs are current in all {checkedCount} lesson(s)."
            : $"{stale} of {checkedCount} lesson(s) need their outputs recorded.");
        return stale == 0 ? 0 : 1;
    }
}
