using System.Text.RegularExpressions;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>
/// The lessons are listed in several places (CONTRIBUTING.md, "Adding a lesson"): the notebooks under Section*/,
/// README's lesson tables, <see cref="LessonTargets.All"/>, and bench/run's parity table. These tests keep the lists in
/// step, so a new lesson cannot be half added, and check that README's Layout names every top-level folder.
/// </summary>
public sealed partial class LessonListTests
{
    static readonly string Root = RepositoryFolder.Root;

    /// <summary>A lesson notebook (not an exercises notebook), as a path relative to the root with '/' separators.</summary>
    internal static IReadOnlyList<string> LessonNotebooks() =>
        Directory.GetDirectories(Root, "Section*")
            .SelectMany(d => Directory.GetFiles(d, "*.ipynb", SearchOption.AllDirectories))
            .Where(p => !ExercisesNotebook.IsExercises(p))
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

    static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>The name a lesson has in LessonTargets and result lines: "Section 3 Lesson 8b" for "Section3-CNN/Lesson 8b - Upsampling.ipynb".</summary>
    static string LessonName(string notebook)
    {
        var m = NotebookName().Match(notebook);
        Assert.True(m.Success, $"{notebook} is not named <SectionN-Topic>/<Part|Lesson> K - <Title>.ipynb");
        return $"Section {m.Groups["section"].Value} {m.Groups["lesson"].Value}";
    }

    static string Title(string notebook) => NotebookName().Match(notebook).Groups["title"].Value;

    [GeneratedRegex(@"^Section(?<section>\d+)-[^/]+/(?<lesson>(?:Part|Lesson) \w+) - (?<title>.+)\.ipynb$")]
    private static partial Regex NotebookName();

    /// <summary>The notebooks README's lesson tables link to (rows starting "| [" under "## Lessons"), relative to the root.</summary>
    static IReadOnlyList<string> ReadmeLessonRows(string readme)
    {
        var lines = readme.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "## Lessons");
        Assert.True(start >= 0, "README has no '## Lessons' section");
        var rows = new List<string>();
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var m = TableLink().Match(lines[i]);
            if (m.Success) rows.Add(Uri.UnescapeDataString(m.Groups[1].Value));
        }
        return rows;
    }

    [GeneratedRegex(@"^\| \[[^\]]+\]\(((?:[^()\s]|\([^()\s]*\))+)\)")]
    private static partial Regex TableLink();

    [Fact]
    public void Every_lesson_notebook_has_a_row_in_READMEs_lesson_table_and_every_row_a_notebook()
    {
        var lessons = LessonNotebooks();
        Assert.True(lessons.Count >= 20, $"only {lessons.Count} lesson notebooks found under Section*/");
        var rows = ReadmeLessonRows(File.ReadAllText(Path.Combine(Root, "README.md")));

        var missing = lessons.Except(rows).ToList();
        var dangling = rows.Except(lessons).ToList();
        Assert.True(missing.Count == 0, "README's lesson tables lack a row for: " + string.Join(", ", missing));
        Assert.True(dangling.Count == 0, "README's lesson tables link to no lesson notebook: " + string.Join(", ", dangling));
    }

    [Fact]
    public void A_missing_README_row_would_be_caught()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var rows = ReadmeLessonRows(readme);
        var first = readme.Split('\n').First(l => l.StartsWith("| [", StringComparison.Ordinal));
        var withoutFirst = ReadmeLessonRows(readme.Replace(first + "\n", ""));
        Assert.Equal(rows.Count - 1, withoutFirst.Count);
        Assert.Single(rows.Except(withoutFirst));
    }

    [Fact]
    public void Every_lesson_target_names_a_lesson_notebook_with_its_title()
    {
        var lessons = LessonNotebooks().ToDictionary(LessonName);
        foreach (var target in LessonTargets.All)
        {
            Assert.True(lessons.TryGetValue(target.Lesson, out var notebook),
                $"LessonTargets has '{target.Lesson}', but no notebook under Section*/ is that lesson.");
            Assert.True(Title(notebook) == target.Title,
                $"LessonTargets calls '{target.Lesson}' \"{target.Title}\", but its notebook is {notebook}.");
        }
    }

    /// <summary>The (lesson, metric) pairs of each lesson notebook's <c>Course.Result("...", "...", ...)</c> calls.</summary>
    static IReadOnlyList<(string Lesson, string Metric)> ResultCalls(string notebook) =>
        NotebookJson.Cells(NotebookJson.Load(Path.Combine(Root, notebook)))
            .Where(NotebookJson.IsCode)
            .SelectMany(c => ResultCall().Matches(NotebookJson.Text(c["source"])))
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ToList();

    [GeneratedRegex(@"Course\.Result\(\s*""([^""]+)""\s*,\s*""([^""]+)""")]
    private static partial Regex ResultCall();

    [Fact]
    public void Every_notebook_that_reports_a_result_has_a_target_and_every_target_is_reported()
    {
        var reported = new List<string>();
        foreach (var notebook in LessonNotebooks())
            foreach (var (lesson, metric) in ResultCalls(notebook))
            {
                Assert.True(lesson == LessonName(notebook),
                    $"{notebook} reports its result as '{lesson}'; it is '{LessonName(notebook)}'.");
                Assert.True(LessonTargets.All.Any(t => t.Lesson == lesson && t.Metric == metric),
                    $"{notebook} calls Course.Result(\"{lesson}\", \"{metric}\", ...), which has no entry in LessonTargets.All (shared/LessonResult.cs).");
                reported.Add(lesson);
            }
        var unreported = LessonTargets.All.Select(t => t.Lesson).Except(reported).ToList();
        Assert.True(unreported.Count == 0, "LessonTargets has targets no notebook reports: " + string.Join(", ", unreported));
    }

    /// <summary>bench/run's parity table: the entries of its <c>lessons=( ... )</c> list, "lesson|notebook|script [args][|most]".</summary>
    static IReadOnlyList<(string Lesson, string Notebook, string Script)> BenchLessons(string benchRun)
    {
        var lines = benchRun.Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "lessons=(");
        Assert.True(start >= 0, "bench/run has no 'lessons=(' list");
        var entries = new List<(string, string, string)>();
        for (var i = start + 1; i < lines.Length && lines[i].Trim() != ")"; i++)
        {
            var m = BenchEntry().Match(lines[i]);
            Assert.True(m.Success, $"bench/run line {i + 1} is not \"lesson|notebook|module[|seeds]\": {lines[i].Trim()}");
            entries.Add((m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Split(' ')[0]));
        }
        return entries;
    }

    [GeneratedRegex(@"^\s*""([^|""]+)\|([^|""]+)\|([^|""]+)(?:\|\d+)?""\s*$")]
    private static partial Regex BenchEntry();

    [Fact]
    public void Bench_runs_lesson_table_lists_the_lessons_with_targets_each_with_its_notebook_and_PyTorch_reference()
    {
        var bench = BenchLessons(File.ReadAllText(Path.Combine(Root, "bench", "run")));
        var targets = LessonTargets.All.Select(t => t.Lesson).Distinct().Order(StringComparer.Ordinal).ToList();
        var listed = bench.Select(b => b.Lesson).Order(StringComparer.Ordinal).ToList();
        Assert.True(targets.SequenceEqual(listed),
            $"bench/run's lessons differ from LessonTargets': only in LessonTargets: {string.Join(", ", targets.Except(listed))}; " +
            $"only in bench/run: {string.Join(", ", listed.Except(targets))}; listed twice: {string.Join(", ", listed.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key))}.");
        foreach (var (lesson, notebook, script) in bench)
        {
            Assert.True(File.Exists(Path.Combine(Root, notebook)), $"bench/run lists {notebook} for {lesson}; there is no such file.");
            Assert.True(LessonName(notebook) == lesson, $"bench/run pairs {lesson} with {notebook}.");
            var file = Path.Combine(["bench", "pytorch", .. script.Split('.')]) + ".py";
            Assert.True(script.StartsWith("lessons.", StringComparison.Ordinal) && File.Exists(Path.Combine(Root, file)),
                $"bench/run's PyTorch reference for {lesson}, the module {script}, is not a file under bench/pytorch/lessons ({file}).");
        }
    }

    [Fact]
    public void READMEs_layout_names_every_top_level_folder()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var layout = readme[readme.IndexOf("## Layout", StringComparison.Ordinal)..];
        string[] notOurs = ["bin", "obj", "TestResults"];
        var folders = Directory.GetDirectories(Root).Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.') && !notOurs.Contains(n)).ToList();
        Assert.Contains("shared", folders);
        var unnamed = folders.Where(f => !Regex.IsMatch(layout, $@"^{Regex.Escape(f!)}/", RegexOptions.Multiline)).ToList();
        Assert.True(unnamed.Count == 0, "README's Layout does not name: " + string.Join(", ", unnamed));
    }
}
