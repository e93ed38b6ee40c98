using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Small notebooks built in memory, for the tests of what the runner adds to an executed copy.</summary>
static class NotebookBuilder
{
    /// <summary>A C# cell of <paramref name="type"/> ("code" or "markdown"), with <c>metadata.course</c> when given.</summary>
    public static JsonObject Cell(string type, string source, JsonObject? course = null)
    {
        var metadata = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } };
        if (course is not null) metadata["course"] = course;
        return new()
        {
            ["cell_type"] = type,
            ["metadata"] = metadata,
            ["source"] = NotebookJson.Lines(source),
            ["id"] = "c" + source.Length,
        };
    }

    public static JsonObject Notebook(params JsonObject[] cells) => new() { ["cells"] = new JsonArray(cells), ["metadata"] = new JsonObject() };

    public static List<string> Sources(JsonObject notebook) => NotebookJson.Cells(notebook).Select(c => NotebookJson.Text(c["source"])).ToList();
}
