using System.Text.RegularExpressions;

namespace DeepLearningCourse.Tests;

/// <summary>
/// Dependencies in shared/ point one way: from the learner-facing facade (<see cref="Course"/>) down to the data and
/// model layers and the infrastructure below them. These tests read the library's source, so a change that points a
/// dependency back up fails here rather than in a review.
/// </summary>
public sealed class LayeringTests
{
    static string Shared => Path.Combine(RepositoryFolder.Root, "shared");

    /// <summary><c>Course.</c> as a name (not the end of <c>DeepLearningCourse.</c>), or the facade imported statically.</summary>
    static readonly Regex FacadeUse = new(@"(?<![\w])Course\s*\.|using\s+static\s+DeepLearningCourse\.Course\s*;", RegexOptions.Compiled);

    [Theory]
    [InlineData("Data")]
    [InlineData("Models")]
    public void The_layers_below_the_facade_never_read_Course(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(Shared, folder), "*.cs", SearchOption.AllDirectories);
        Assert.True(files.Length >= 5, $"only {files.Length} source files under shared/{folder}");
        var uses = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(at => FacadeUse.IsMatch(at.line))
            .Select(at => $"{Path.GetRelativePath(Shared, at.file)}:{at.number}: {at.line.Trim()}")
            .ToList();
        Assert.True(uses.Count == 0,
            $"shared/{folder} reads the Course facade; read Infrastructure.CourseSettings (or Data.FastMode for the mode) instead:\n"
            + string.Join("\n", uses));
    }

    [Theory]
    [InlineData("var root = Course.DataRoot;", true)]
    [InlineData("fast: DeepLearningCourse.Course.Mode == CourseMode.Fast", true)]
    [InlineData("using static DeepLearningCourse.Course;", true)]
    [InlineData("namespace DeepLearningCourse.Data;", false)]
    [InlineData("using DeepLearningCourse.Infrastructure;", false)]
    [InlineData("var root = CourseSettings.DataRoot;", false)]
    public void The_scan_tells_the_facade_from_the_namespace(string line, bool facade) =>
        Assert.Equal(facade, FacadeUse.IsMatch(line));

    /// <summary>A layer named by its namespace (<c>DeepLearningCourse.Data</c>, in a using or in full) or, inside the library, by its short name (<c>Data.DataLoader</c>).</summary>
    static readonly Regex LayerName = new(@"\bDeepLearningCourse\.(?<layer>[A-Z]\w*)|(?<![\w.])(?<layer>[A-Z]\w*)\.[A-Z]", RegexOptions.Compiled);

    /// <summary>A comment to the end of its line (not the <c>//</c> of a URL), documentation comments included.</summary>
    static readonly Regex Comment = new(@"(?<!:)//.*$", RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>
    /// Which of the library's folders (its layers: Data, Display, Training, Models, Infrastructure, ...) each one's code
    /// names, read from the source: using directives and qualified names, outside comments. The facade at the root
    /// (<see cref="Course"/>, the notebook integration) is above them all and is not a layer here.
    /// </summary>
    static Dictionary<string, SortedSet<string>> LayerDependencies()
    {
        var layers = Directory.GetDirectories(Shared).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var graph = layers.ToDictionary(layer => layer, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var layer in layers)
            foreach (var file in Directory.GetFiles(Path.Combine(Shared, layer), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in LayerName.Matches(Comment.Replace(File.ReadAllText(file), "")))
                    if (m.Groups["layer"].Value is var named && named != layer && layers.Contains(named))
                        graph[layer].Add(named);
        return graph;
    }

    /// <summary>A cycle in <paramref name="graph"/> as <c>A -> B -> A</c>, or null when it has none.</summary>
    internal static string? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        string? Visit(string node)
        {
            if (path.IndexOf(node) is var at and >= 0) return string.Join(" -> ", path.Skip(at).Append(node));
            if (!done.Add(node)) return null;
            path.Add(node);
            foreach (var next in graph.TryGetValue(node, out var edges) ? edges : [])
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            return null;
        }
        return graph.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    [Fact]
    public void The_layers_depend_on_each_other_without_a_cycle()
    {
        var graph = LayerDependencies();
        foreach (var layer in new[] { "Data", "Display", "Training", "Models", "Infrastructure" })
            Assert.True(graph.ContainsKey(layer), $"shared/{layer} is missing");
        Assert.Contains("Infrastructure", graph["Data"]); // the scan sees what is there
        var edges = string.Join("\n", graph.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} -> {string.Join(", ", kv.Value)}"));
        Assert.True(FindCycle(graph) is null, $"shared/ has a dependency cycle, {FindCycle(graph)}:\n{edges}");
        Assert.Empty(graph["Infrastructure"]);
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_only_a_cycle()
    {
        var acyclic = new Dictionary<string, SortedSet<string>> { ["A"] = ["B", "C"], ["B"] = ["C"], ["C"] = [] };
        Assert.Null(FindCycle(acyclic));
        var cyclic = new Dictionary<string, SortedSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"] };
        Assert.Equal("A -> B -> C -> A", FindCycle(cyclic));
    }
}
