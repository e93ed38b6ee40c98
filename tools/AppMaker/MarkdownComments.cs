using System.Text;
using System.Text.RegularExpressions;

namespace AppMaker;

/// <summary>
/// A markdown cell as C# line comments, so that an app reads as its lesson: headings kept with their <c>#</c> marks,
/// paragraphs and list items wrapped to <see cref="Width"/> columns, code blocks and tables kept line for line.
/// </summary>
public static partial class MarkdownComments
{
    /// <summary>The widest comment line, prefix included (a longer word stays whole).</summary>
    public const int Width = 100;

    /// <summary>The comment lines for <paramref name="markdown"/>, each starting with <c>//</c>.</summary>
    public static IReadOnlyList<string> Of(string markdown)
    {
        var output = new List<string>();
        var paragraph = new StringBuilder();
        string first = "", rest = "";
        var fenced = false;

        void Flush()
        {
            if (paragraph.Length > 0) output.AddRange(Wrap(paragraph.ToString(), "// " + first, "// " + rest));
            paragraph.Clear();
        }

        foreach (var raw in markdown.Replace("\r\n", "\n").TrimEnd().Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.StartsWith('#') || line.TrimStart().StartsWith('|'))
            {
                Flush();
                output.Add(("// " + line).TrimEnd());
                continue;
            }
            if (line.Length == 0)
            {
                Flush();
                if (output.Count > 0 && output[^1] != "//") output.Add("//");
                continue;
            }
            if (ListItem().Match(line) is { Success: true } item)
            {
                Flush();
                first = item.Value;
                rest = new string(' ', item.Value.Length);
                paragraph.Append(line[item.Length..]);
                continue;
            }
            if (paragraph.Length == 0)
            {
                var quote = line.StartsWith('>') ? "> " : "";
                first = rest = quote;
                paragraph.Append(line.TrimStart('>', ' '));
                continue;
            }
            paragraph.Append(' ').Append(line.Trim().TrimStart('>', ' '));
        }
        Flush();
        while (output.Count > 0 && output[^1] == "//") output.RemoveAt(output.Count - 1);
        return output;
    }

    static IEnumerable<string> Wrap(string text, string firstPrefix, string restPrefix)
    {
        var line = new StringBuilder(firstPrefix);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                yield return line.ToString();
                line.Clear().Append(restPrefix);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        yield return line.ToString().TrimEnd();
    }

    [GeneratedRegex(@"^\s*(?:[*+-]|\d+[.)])\s+")]
    private static partial Regex ListItem();
}
