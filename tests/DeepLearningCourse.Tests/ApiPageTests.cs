using System.Reflection;
using System.Text.RegularExpressions;

namespace DeepLearningCourse.Tests;

/// <summary>docs/API.md names library calls in its middle column; each must exist, so the page cannot drift.</summary>
public sealed class ApiPageTests
{
    static readonly Assembly Library = typeof(Course).Assembly;

    [Fact]
    public void Every_library_name_on_the_API_page_exists()
    {
        var names = LibraryNames().ToList();
        Assert.True(names.Count >= 30, $"only {names.Count} names found on the page");
        var missing = names.Where(name => !Exists(name)).ToList();
        Assert.True(missing.Count == 0, "docs/API.md names what the library lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_renamed_call_would_be_caught()
    {
        Assert.False(Exists("Trainer.FitOld"));
        Assert.False(Exists("NoSuchType"));
        Assert.True(Exists("Checkpoint<TConfig>.LoadInto"));
    }

    [Fact]
    public void Every_signature_on_the_API_page_matches_the_library()
    {
        var signatures = Signatures().ToList();
        Assert.True(signatures.Count >= 5, $"only {signatures.Count} signatures found under ## Signatures");
        var wrong = signatures.Select(Mismatch).Where(m => m is not null).ToList();
        Assert.True(wrong.Count == 0, "docs/API.md's signatures differ from the library: " + string.Join("; ", wrong));
    }

    [Fact]
    public void A_changed_signature_would_be_caught()
    {
        Assert.Null(Mismatch("Images.Show(image, normalize = null, stretch = false) -> PngImage"));
        Assert.NotNull(Mismatch("Images.Show(image, mean = null, std = null) -> PngImage"));
        Assert.NotNull(Mismatch("Images.Grid(batch, titles = null, columns = 6, normalize = null, stretch = false) -> PngImage"));
        Assert.NotNull(Mismatch("Trainer.Evaluate(loader) -> Double"));
    }

    /// <summary>The lines of the fenced block under "## Signatures".</summary>
    static IEnumerable<string> Signatures()
    {
        var page = File.ReadAllLines(Path.Combine(RepositoryFolder.Root, "docs", "API.md"));
        var start = Array.IndexOf(page, "## Signatures");
        Assert.True(start >= 0, "docs/API.md has no \"## Signatures\" section");
        var open = Array.IndexOf(page, "```", start);
        var close = Array.IndexOf(page, "```", open + 1);
        return page[(open + 1)..close].Where(line => line.Trim().Length > 0);
    }

    /// <summary>Null when the library has a public method with the line's name, parameters (names and defaults, in order) and return type; otherwise what differs.</summary>
    static string? Mismatch(string line)
    {
        var m = Regex.Match(line, @"^(\w+(?:<\w+>)?)\.(\w+)\((.*)\) -> (\S+)$");
        if (!m.Success) return $"\"{line}\" is not Type.Method(parameters) -> Return";
        var typeName = m.Groups[1].Value.Replace("<TConfig>", "`1");
        var type = Library.GetExportedTypes().FirstOrDefault(t => t.Name == typeName);
        if (type is null) return $"{m.Groups[1].Value} does not exist";
        var listed = m.Groups[3].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).ToArray();
        var returns = m.Groups[4].Value.Replace("<TConfig>", "`1");
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Where(x => x.Name == m.Groups[2].Value).ToList();
        if (methods.Count == 0) return $"{m.Groups[1].Value}.{m.Groups[2].Value} does not exist";
        string Written(ParameterInfo p) => p.HasDefaultValue
            ? $"{p.Name} = {p.DefaultValue switch { null => "null", bool b => b ? "true" : "false", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) }}"
            : p.Name!;
        var match = methods.FirstOrDefault(x => x.GetParameters().Select(Written).SequenceEqual(listed) && x.ReturnType.Name == returns);
        return match is null
            ? $"{m.Groups[1].Value}.{m.Groups[2].Value} is ({string.Join("; ", methods.Select(x => $"{string.Join(", ", x.GetParameters().Select(Written))}) -> {x.ReturnType.Name}"))}, not ({m.Groups[3].Value}) -> {m.Groups[4].Value}"
            : null;
    }

    /// <summary>The backticked names in the middle column that start with a capital (TorchSharp's own are lower case or torch.*).</summary>
    static IEnumerable<string> LibraryNames()
    {
        var page = File.ReadAllLines(Path.Combine(RepositoryFolder.Root, "docs", "API.md"));
        foreach (var row in page.Where(line => line.StartsWith("| ") && !line.StartsWith("| PyTorch") && !line.StartsWith("|---")))
        {
            var cells = row.Split(" | ");
            var middle = cells.Length > 1 ? cells[1] : "";
            foreach (Match m in Regex.Matches(middle + " " + (cells.Length > 2 ? cells[2] : ""), "`([A-Z][A-Za-z<>]*(?:\\.[A-Za-z<>]+)?)`"))
                yield return m.Groups[1].Value;
        }
    }

    static bool Exists(string name)
    {
        var parts = name.Split('.');
        var typeName = parts[0].Replace("<TConfig>", "`1");
        var type = Library.GetExportedTypes().FirstOrDefault(t => t.Name == typeName);
        if (type is null) return false;
        if (parts.Length == 1) return true;
        return type.GetMember(parts[1], BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Length > 0
            || Library.GetExportedTypes().Any(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Any(m => m.Name == parts[1] && m.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), false)
                          && m.GetParameters()[0].ParameterType.Name == parts[0]));
    }
}
