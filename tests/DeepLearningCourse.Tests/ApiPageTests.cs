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
