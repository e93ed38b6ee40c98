using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner;

/// <summary>
/// Every cell of an nbformat 4.5 notebook needs an id, unique in its notebook (letters, digits, '-' and '_',
/// at most 64 characters); Jupyter's validator otherwise warns, and will refuse. dotnet-repl writes executed
/// notebooks without them, and a cell pasted in by hand may lack one. <see cref="Assign"/> gives each such cell
/// an id derived from the notebook alone, so running it twice, or on two machines, writes the same ids.
/// </summary>
public static partial class CellIds
{
    /// <summary>
    /// Gives every cell without a valid, unique id one: <c>cell-NN</c> after its position when no other cell has
    /// that id, otherwise that name with a few hex digits of the cell's source. Valid ids already there are kept.
    /// Returns how many cells got a new id.
    /// </summary>
    public static int Assign(JsonObject notebook)
    {
        var cells = NotebookJson.Cells(notebook).ToList();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var needing = new List<int>();
        for (var i = 0; i < cells.Count; i++)
        {
            if ((string?)cells[i]["id"] is { } id && IsValid(id) && taken.Add(id)) continue;
            needing.Add(i);
        }
        foreach (var i in needing)
        {
            var positional = $"cell-{i + 1:D2}";
            var id = positional;
            if (taken.Contains(id))
            {
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(NotebookJson.Text(cells[i]["source"]))))[..8];
                id = $"{positional}-{hash}";
                for (var n = 2; taken.Contains(id); n++) id = $"{positional}-{hash}-{n}";
            }
            taken.Add(id);
            cells[i]["id"] = id;
        }
        return needing.Count;
    }

    /// <summary>Copies the ids of <paramref name="source"/>'s cells onto <paramref name="executed"/>'s, cell by cell, when both have the same cells; then fills any gap.</summary>
    public static void CopyOnto(JsonObject source, JsonObject executed)
    {
        var from = NotebookJson.Cells(source).ToList();
        var to = NotebookJson.Cells(executed).ToList();
        if (from.Count == to.Count)
            for (var i = 0; i < to.Count; i++)
                if ((string?)from[i]["id"] is { } id && (string?)from[i]["cell_type"] == (string?)to[i]["cell_type"]) to[i]["id"] = id;
        Assign(executed);
    }

    /// <summary>Whether <paramref name="id"/> is what nbformat 4.5 allows.</summary>
    public static bool IsValid(string id) => id.Length is > 0 and <= 64 && Allowed().IsMatch(id);

    /// <summary>Gives the cells of each notebook file ids they lack, rewriting only files that changed; returns the paths rewritten.</summary>
    public static IReadOnlyList<string> AssignAll(IEnumerable<string> paths)
    {
        var rewritten = new List<string>();
        foreach (var path in paths)
        {
            var notebook = NotebookJson.Load(path);
            if (Assign(notebook) == 0) continue;
            NotebookJson.Save(notebook, path);
            rewritten.Add(path);
        }
        return rewritten;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex Allowed();
}
