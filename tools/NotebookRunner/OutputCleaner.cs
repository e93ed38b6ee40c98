using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner;

/// <summary>
/// Removes from an executed notebook what the kernel, not the lesson, wrote: the package-installation
/// progress blocks, the "Loading extensions from ..." notices, and this machine's absolute paths
/// (which would be wrong on every other machine and say more about it than a reader needs).
/// Printed text, images and errors otherwise stay exactly as they were.
/// </summary>
public sealed class OutputCleaner
{
    readonly IReadOnlyList<(string Path, string Shown)> paths;

    /// <param name="paths">
    /// Absolute folders and what to show instead, most specific first (a repository inside the
    /// home folder must be replaced before the home folder is).
    /// </param>
    public OutputCleaner(IEnumerable<(string Path, string Shown)> paths) =>
        this.paths = paths.Where(p => p.Path.Length > 1).Select(p => (p.Path.TrimEnd('/', '\\'), p.Shown)).ToList();

    /// <summary>
    /// For notebooks run on this machine: paths inside the repository become relative to its root,
    /// the NuGet cache and the home folder become their usual short names.
    /// </summary>
    public static OutputCleaner ForThisMachine(string repositoryRoot)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var paths = new List<(string, string)> { (repositoryRoot, ".") };
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } nuget)
            paths.Add((nuget, "<NuGet packages>"));
        if (home.Length > 0) paths.Add((home, "~"));
        return new OutputCleaner(paths);
    }

    /// <summary>Cleans every code cell's outputs in place; returns how many outputs were dropped.</summary>
    public int Clean(JsonObject notebook)
    {
        var dropped = 0;
        foreach (var cell in NotebookJson.Cells(notebook).Where(NotebookJson.IsCode))
        {
            if (cell["outputs"] is not JsonArray outputs) continue;
            var kept = new JsonArray();
            foreach (var output in outputs.OfType<JsonObject>().ToList())
            {
                outputs.Remove(output);
                if (CleanOutput(output)) kept.Add(output);
                else dropped++;
            }
            cell["outputs"] = kept;
        }
        return dropped;
    }

    /// <summary>Cleans one output; false when nothing of it is left to keep.</summary>
    bool CleanOutput(JsonObject output)
    {
        if (output["data"] is JsonObject data)
        {
            if (data.Any(d => d.Key.StartsWith("text/") && IsPackageProgress(NotebookJson.Text(d.Value)))) return false;
            foreach (var (mime, value) in data.Where(d => d.Key.StartsWith("text/")).ToList())
                data[mime] = Store(CleanText(NotebookJson.Text(value)), value);
            return data.Any(d => !d.Key.StartsWith("text/") || NotebookJson.Text(d.Value).Length > 0);
        }
        if (output["text"] is { } text)
        {
            var cleaned = CleanText(NotebookJson.Text(text));
            output["text"] = Store(cleaned, text);
            return cleaned.Length > 0;
        }
        if ((string?)output["output_type"] == "error")
        {
            output["evalue"] = CleanText((string?)output["evalue"] ?? "");
            if (output["traceback"] is JsonArray traceback)
                output["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)JsonValue.Create(CleanText((string?)t ?? ""))).ToArray());
        }
        return true;
    }

    // .NET Interactive shows restore progress as HTML lists headed "Installing Packages" (one
    // snapshot per tick) and then "Installed Packages"; in VS Code they replace each other in place,
    // in a saved notebook they pile up, and the package list is in shared/Course.dib anyway.
    static bool IsPackageProgress(string text) =>
        text.Contains("<strong>Installing Packages</strong>") || text.Contains("<strong>Installed Packages</strong>")
        || text.StartsWith("Installing Packages") || text.StartsWith("Installed Packages");

    string CleanText(string text)
    {
        var lines = text.Split('\n');
        return string.Join('\n', lines.Where(l => !l.StartsWith("Loading extensions from ")).Select(ReplacePaths));
    }

    string ReplacePaths(string line)
    {
        foreach (var (path, shown) in paths)
        {
            // Only whole folder names: /home/ann must not turn /home/anna into ~a.
            var folder = Regex.Escape(path) + "(?![A-Za-z0-9._-])";
            line = Regex.Replace(line, folder + "[/\\\\]", shown == "." ? "" : shown + "/");
            line = Regex.Replace(line, folder, shown);
        }
        return line;
    }

    // Outputs store text either as one string or as a list of lines; keep whichever form it had.
    static JsonNode Store(string text, JsonNode? original) =>
        original is JsonArray ? NotebookJson.Lines(text) : JsonValue.Create(text);
}
