using System.Xml.Linq;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Runs real notebooks through dotnet-repl, as tools/run-course does.</summary>
public sealed class RunnerTests : IDisposable
{
    readonly string output = Directory.CreateTempSubdirectory("runner-test-").FullName;

    static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "DeepLearningCourse.Tests", "Notebooks", "Fixtures", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(name);
    }

    (int Code, string Log) Run(params string[] args)
    {
        var log = new StringWriter();
        var code = Runner.Run([.. args, "--output", output], log);
        return (code, log.ToString());
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

        var trx = XDocument.Load(Path.Combine(output, "results.trx"));
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
        var executed = Path.Combine(output, "tests", "DeepLearningCourse.Tests", "Notebooks", "Fixtures", "passing.ipynb");
        Assert.Contains("fast", File.ReadAllText(executed));
    }

    [Fact]
    public void A_crashed_kernel_fails_the_run()
    {
        var (code, log) = Run(Fixture("kernel-crash.ipynb"));

        Assert.NotEqual(0, code);
        Assert.Contains("kernel crashed", log);
    }

    [Fact]
    public void Unknown_notebook_names_and_options_are_errors()
    {
        Assert.NotEqual(0, Run("no such lesson anywhere").Code);
        Assert.NotEqual(0, Run("--fastest").Code);
    }

    public void Dispose() => Directory.Delete(output, recursive: true);
}
