using System.Text.Json.Nodes;
using System.Xml.Linq;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Runs real notebooks through dotnet-repl, as tools/run-course does.</summary>
public sealed class RunnerTests : IDisposable
{
    readonly string output = Directory.CreateTempSubdirectory("runner-test-").FullName;
    string? lessons;

    internal static string Fixture(string name)
    {
        var path = Path.Combine(RepositoryFolder.Root, "tests", "DeepLearningCourse.Tests", "Notebooks", "Fixtures", name);
        return File.Exists(path) ? path : throw new FileNotFoundException(name, path);
    }

    static string Executed(string mode, string fixture) =>
        Path.Combine(mode, "tests", "DeepLearningCourse.Tests", "Notebooks", "Fixtures", fixture);

    /// <summary>
    /// A copy of a fixture to play a lesson. It lives inside the repository (under the ignored
    /// artifacts/ folder) because dotnet-repl is a local tool, found from the working folder.
    /// </summary>
    string Lesson(string fixture)
    {
        var repository = Path.GetDirectoryName(Fixture(fixture))!;
        for (var i = 0; i < 4; i++) repository = Path.GetDirectoryName(repository)!;
        lessons ??= Directory.CreateDirectory(Path.Combine(repository, "artifacts", "runner-test-lessons", Guid.NewGuid().ToString("N"))).FullName;
        var lesson = Path.Combine(lessons, fixture);
        File.Copy(Fixture(fixture), lesson);
        return lesson;
    }

    (int Code, string Log) Run(params string[] args)
    {
        var log = new StringWriter();
        var code = Runner.Run([.. args, "--output", output], log);
        return (code, log.ToString());
    }

    [Fact]
    public void A_full_run_lets_a_notebook_train_for_three_hours_and_a_fast_run_for_one_unless_told_otherwise()
    {
        // Section 4's lesson trains for over an hour in full mode: a one-hour limit stopped it as if it hung.
        Assert.Equal(180, Runner.Options.Parse([]).TimeoutMinutes);
        Assert.Equal(180, Runner.Options.Parse(["--record", "Section4"]).TimeoutMinutes);
        Assert.Equal(60, Runner.Options.Parse(["--fast"]).TimeoutMinutes);
        Assert.Equal(5, Runner.Options.Parse(["--timeout", "5"]).TimeoutMinutes);
        Assert.Equal(5, Runner.Options.Parse(["--fast", "--timeout", "5"]).TimeoutMinutes);
        Assert.Throws<ArgumentException>(() => Runner.Options.Parse(["--timeout", "0"]));
    }

    [Fact]
    public void A_failing_cell_fails_the_run_and_names_the_cell()
    {
        var (code, log) = Run(Fixture("failing-cell.ipynb"));

        Assert.NotEqual(0, code);
        Assert.Contains("FAIL  ", log);
        Assert.Contains("cell 2: ", log);
        Assert.Contains("this cell fails on purpose", log);
        Assert.Contains("0 passed, 1 failed", log);

        var trx = XDocument.Load(Path.Combine(output, Path.ChangeExtension(Executed("full", "failing-cell.ipynb"), ".trx")));
        var outcomes = trx.Descendants().Where(e => e.Name.LocalName == "UnitTestResult").Select(e => (string)e.Attribute("outcome")!).ToList();
        Assert.Equal(["Passed", "Failed", "Passed"], outcomes);
    }

    [Fact]
    public void A_passing_notebook_passes_in_the_mode_asked_for_and_is_written_out()
    {
        var (code, log) = Run("--fast", Fixture("passing.ipynb"));

        Assert.Equal(0, code);
        Assert.Contains("PASS  ", log);
        Assert.Contains("1 passed, 0 failed", log);
        var executed = NotebookJson.Load(Path.Combine(output, Executed("fast", "passing.ipynb")));
        Assert.Equal("fast\n", NotebookJson.Text(executed["cells"]![2]!["outputs"]![0]!["text"]));
        Assert.Equal("fast", (string?)executed["metadata"]!["course"]!["run"]!["mode"]);
        Assert.True((double?)executed["metadata"]!["course"]!["run"]!["wall_seconds"] > 0);
    }

    [Fact]
    public void The_executed_copy_shows_neither_package_installation_nor_this_machines_paths()
    {
        var (code, log) = Run(Fixture("package-install.ipynb"));

        Assert.Equal(0, code);
        var text = File.ReadAllText(Path.Combine(output, Executed("full", "package-install.ipynb")));
        var executed = NotebookJson.Load(Path.Combine(output, Executed("full", "package-install.ipynb")));
        Assert.Empty(executed["cells"]![1]!["outputs"]!.AsArray());
        Assert.Equal("Working in tests/DeepLearningCourse.Tests/Notebooks/Fixtures\n", NotebookJson.Text(executed["cells"]![2]!["outputs"]![0]!["text"]));
        Assert.DoesNotContain("Installing Packages", text);
        Assert.DoesNotContain("Loading extensions", text);
        Assert.DoesNotContain(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + "/", text);
    }

    [Fact]
    public void Running_one_notebook_keeps_the_results_of_another()
    {
        Run(Fixture("passing.ipynb"));
        Run(Fixture("failing-cell.ipynb"));

        Assert.True(File.Exists(Path.Combine(output, Executed("full", "passing.ipynb"))));
        Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(Executed("full", "passing.ipynb"), ".trx"))));
        Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(Executed("full", "failing-cell.ipynb"), ".trx"))));
    }

    [Fact]
    public void Record_writes_the_outputs_into_the_lesson_and_a_plain_run_never_does()
    {
        var lesson = Lesson("passing.ipynb");
        var untouched = File.ReadAllText(lesson);

        Assert.Equal(0, Run("--fast", lesson).Code);
        Assert.Equal(untouched, File.ReadAllText(lesson));

        var (code, log) = Run("--record", lesson);
        Assert.Equal(0, code);
        Assert.Contains("recorded into the lesson", log);
        var recorded = NotebookJson.Load(lesson);
        Assert.Equal("full\n", NotebookJson.Text(recorded["cells"]![2]!["outputs"]![0]!["text"]));
        Assert.Empty(RecordedOutputs.Check(lesson));
        Assert.Equal(untouched, NotebookJson.ToText(WithoutRecording(recorded)));
    }

    [Fact]
    public void Outputs_stored_in_a_lesson_play_no_part_in_its_run()
    {
        var failing = NotebookJson.Load(Lesson("failing-cell.ipynb"));
        var passing = Lesson("passing.ipynb");
        // A stored error in a lesson that passes, and stored clean outputs in one that fails.
        var stored = NotebookJson.Load(passing);
        stored["cells"]![2]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = "stale", ["traceback"] = new JsonArray() });
        NotebookJson.Save(stored, passing);
        var failingLesson = Path.Combine(lessons!, "failing-cell.ipynb");
        failing["cells"]![2]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray("fine\n") });
        NotebookJson.Save(failing, failingLesson);

        Assert.Equal(0, Run(passing).Code);
        Assert.NotEqual(0, Run(failingLesson).Code);
    }

    static JsonObject WithoutRecording(JsonObject notebook)
    {
        var copy = RecordedOutputs.WithoutOutputs(notebook);
        ((JsonObject)copy["metadata"]!).Remove("course");
        return copy;
    }

    [Fact]
    public void A_crashed_kernel_fails_the_run()
    {
        var (code, log) = Run(Fixture("kernel-crash.ipynb"));

        Assert.NotEqual(0, code);
        Assert.Contains("kernel crashed", log);
    }

    [Fact]
    public void A_lesson_that_is_not_a_notebook_fails_by_name()
    {
        var broken = Path.Combine(output, "broken.ipynb");
        File.WriteAllText(broken, "{ \"cells\": ");

        var (code, log) = Run(broken);

        Assert.NotEqual(0, code);
        Assert.Contains("broken.ipynb: not valid JSON", log);
    }

    [Fact]
    public void Unknown_notebook_names_and_options_are_errors()
    {
        Assert.NotEqual(0, Run("no such lesson anywhere").Code);
        Assert.NotEqual(0, Run("--fastest").Code);
        Assert.NotEqual(0, Run("--record", "--check-outputs").Code);
    }

    public void Dispose()
    {
        Directory.Delete(output, recursive: true);
        if (lessons is not null) Directory.Delete(lessons, recursive: true);
    }
}
