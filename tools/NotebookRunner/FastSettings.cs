using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// How CI's fast mode shortens a lesson whose cost is set by its own numbers (a step count, an image
/// size) rather than by its data, the way papermill injects parameters: a code cell whose metadata
/// carries <c>course.fast</c> (C# code, e.g. <c>steps = 100;</c>) is followed, in the executed copy
/// only, by a cell running that code. The lesson a learner opens shows only the full-run values.
/// </summary>
public static class FastSettings
{
    /// <summary>The key under a cell's <c>metadata.course</c> that holds the fast-mode code.</summary>
    public const string Key = "fast";

    /// <summary>The first line of every injected cell, so an executed copy says where the cell came from.</summary>
    public const string Marker = "// Added by tools/run-course --fast: CI's quick check runs this lesson smaller.";

    /// <summary>A copy of <paramref name="notebook"/> with each fast-mode cell injected after the cell that asks for it.</summary>
    public static JsonObject Inject(JsonObject notebook)
    {
        var copy = (JsonObject)notebook.DeepClone();
        var cells = copy["cells"]!.AsArray();
        // Backwards, so that an inserted cell never shifts one still to be visited
        for (int i = cells.Count - 1; i >= 0; i--)
        {
            if (cells[i] is not JsonObject cell || cell["metadata"]?["course"]?[Key] is not JsonValue value || (string?)value is not { Length: > 0 } code) continue;
            if (!NotebookJson.IsCode(cell))
                throw new InvalidDataException($"cell {i + 1} carries course.{Key} but is not a code cell.");
            var metadata = cell["metadata"]!.DeepClone().AsObject();
            metadata.Remove("course");
            cells.Insert(i + 1, new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = metadata,
                ["outputs"] = new JsonArray(),
                ["source"] = NotebookJson.Lines(Marker + "\n" + code),
                ["id"] = ((string?)cell["id"] ?? "cell") + "-fast",
            });
        }
        return copy;
    }
}
