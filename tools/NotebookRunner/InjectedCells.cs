using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// The runner's way of changing how a lesson runs without changing the lesson, as papermill injects
/// parameters: a code cell added, in the executed copy only, right after each cell that asks for it.
/// The added cell's first line says who added it, so an executed copy explains itself.
/// </summary>
public static class InjectedCells
{
    /// <summary>
    /// A copy of <paramref name="notebook"/> where each code cell for which <paramref name="codeAfter"/> gives code is
    /// followed by a cell running <paramref name="marker"/> and that code; <paramref name="notebook"/> is untouched.
    /// </summary>
    public static JsonObject After(JsonObject notebook, Func<JsonObject, int, string?> codeAfter, string marker, string idSuffix)
    {
        var copy = (JsonObject)notebook.DeepClone();
        var cells = copy["cells"]!.AsArray();
        // Backwards, so that an inserted cell never shifts one still to be visited
        for (int i = cells.Count - 1; i >= 0; i--)
        {
            if (cells[i] is not JsonObject cell || codeAfter(cell, i) is not { Length: > 0 } code) continue;
            var metadata = cell["metadata"]?.DeepClone().AsObject() ?? new JsonObject();
            metadata.Remove("course");
            cells.Insert(i + 1, new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = metadata,
                ["outputs"] = new JsonArray(),
                ["source"] = NotebookJson.Lines(marker + "\n" + code),
                ["id"] = ((string?)cell["id"] ?? "cell") + "-" + idSuffix,
            });
        }
        return copy;
    }
}
