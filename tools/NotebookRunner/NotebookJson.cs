using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepLearningCourse.Infrastructure;

namespace NotebookRunner;

/// <summary>Reads and writes .ipynb files the way the lessons are stored, so a rewritten lesson diffs only where it changed.</summary>
public static class NotebookJson
{
    // One-space indentation and unescaped characters: the layout Jupyter and the committed lessons use.
    static readonly JsonSerializerOptions Layout = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses a notebook; a file that is not a notebook is an error that names it.</summary>
    public static JsonObject Load(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject { } notebook && notebook["cells"] is JsonArray
                ? notebook
                : throw new InvalidDataException($"{path}: not a notebook (no \"cells\" list).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Writes the notebook whole: a reader never sees a half-written file.</summary>
    public static void Save(JsonObject notebook, string path) =>
        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, ToText(notebook)));

    /// <summary>The file's text, ending with a newline as Jupyter writes it.</summary>
    public static string ToText(JsonObject notebook) => notebook.ToJsonString(Layout) + "\n";

    /// <summary>The notebook's cells.</summary>
    public static IEnumerable<JsonObject> Cells(JsonObject notebook) => notebook["cells"]!.AsArray().OfType<JsonObject>();

    /// <summary>Whether a cell holds code (and so has outputs).</summary>
    public static bool IsCode(JsonObject cell) => (string?)cell["cell_type"] == "code";

    /// <summary>A multi-line notebook string, stored either as one string or as a list of lines.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue single => (string?)single ?? "",
        _ => "",
    };

    /// <summary>Splits text into notebook lines, each but the last keeping its newline.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }
}
