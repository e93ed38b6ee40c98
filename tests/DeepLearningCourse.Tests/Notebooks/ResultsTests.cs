using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

public sealed class ResultsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("results-test-").FullName;

    void WriteExecuted(string relative, params string[] printed) => WriteExecuted(relative, null, printed);

    void WriteExecuted(string relative, double? runnerWallSeconds, params string[] printed)
    {
        var outputs = new JsonArray(printed.Select(text => (JsonNode)new JsonObject
        {
            ["output_type"] = "stream",
            ["name"] = "stdout",
            ["text"] = new JsonArray(text.Split('\n').Select(l => (JsonNode)JsonValue.Create(l + "\n")!).ToArray()),
        }).ToArray());
        var notebook = new JsonObject { ["cells"] = new JsonArray(new JsonObject { ["cell_type"] = "code", ["outputs"] = outputs }) };
        if (runnerWallSeconds is { } seconds)
            notebook["metadata"] = new JsonObject { ["course"] = new JsonObject { ["run"] = new JsonObject { ["mode"] = "full", ["wall_seconds"] = seconds } } };
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, notebook.ToJsonString());
    }

    static string Line(CourseMode mode, double value) =>
        new LessonResult(new LessonTarget("Part 5", "Inference", "test accuracy", Target.AtLeast(0.86, "P1")), value, "Fashion-MNIST, pretrained vgg16", mode).ToString();

    [Fact]
    public void Collects_full_mode_results_and_ignores_fast_ones()
    {
        WriteExecuted("Section2/a.ipynb", "some other output", Line(CourseMode.Full, 0.871));
        WriteExecuted("Section2/b.ipynb", Line(CourseMode.Fast, 0.5));
        var markdown = Path.Combine(folder, "RESULTS.md");

        var log = new StringWriter();
        Assert.Equal(0, Results.Write(folder, markdown, log));

        var rows = File.ReadAllLines(markdown).Where(l => l.StartsWith("| Part")).ToList();
        // Without the runner's timing the wall time is said to be missing, never invented.
        Assert.Equal(["| Part 5 - Inference | Fashion-MNIST, pretrained vgg16 | not timed | test accuracy | 87.1% | >= 86.0% | met | not compared |"], rows);
        Assert.Contains("ignored 1 fast-mode", log.ToString());
    }

    [Fact]
    public void The_runners_own_wall_time_is_preferred_to_the_lessons()
    {
        WriteExecuted("Section2/a.ipynb", 301.04, Line(CourseMode.Full, 0.871));
        var markdown = Path.Combine(folder, "RESULTS.md");

        Assert.Equal(0, Results.Write(folder, markdown, TextWriter.Null));

        Assert.Contains("| Fashion-MNIST, pretrained vgg16 | 301.0 s | test accuracy |", File.ReadAllText(markdown));
    }

    [Fact]
    public void A_missed_target_is_shown_as_missed()
    {
        WriteExecuted("a.ipynb", Line(CourseMode.Full, 0.80));
        var markdown = Path.Combine(folder, "RESULTS.md");
        Results.Write(folder, markdown, TextWriter.Null);
        Assert.Contains("| 80.0% | >= 86.0% | MISSED |", File.ReadAllText(markdown));
    }

    static string StandInLine(double value) =>
        new LessonResult(new LessonTarget("Section 3 Lesson 7", "Linear Autoencoder", "reported training loss", Target.AtMost(0.28, "F3")), value, "MNIST", CourseMode.Full, OnStandIn: true).ToString();

    [Theory]
    [InlineData("met", "met (as good as PyTorch on the same data)")]
    [InlineData("not met", "not met (PyTorch does better on the same data)")]
    public void A_stand_in_lesson_is_judged_by_its_pytorch_twin_on_the_same_data(string parityVerdict, string shown)
    {
        WriteExecuted("Section3/l7.ipynb", StandInLine(0.274));
        WriteExecuted("Section2/a.ipynb", Line(CourseMode.Full, 0.871));
        var parity = Path.Combine(folder, "parity.tsv");
        File.WriteAllLines(parity, ["# written by bench/run on 2026-11-29 02:00 UTC",
            $"Section 3 Lesson 7\t0.275 ± 0.002 (3)\t0.293 ± 0.017 (3)\tsame\t{parityVerdict}"]);
        var markdown = Path.Combine(folder, "RESULTS.md");

        Assert.Equal(0, Results.Write(folder, markdown, TextWriter.Null, parity));

        var text = File.ReadAllText(markdown);
        Assert.Contains($"| 0.274 | <= 0.280 | {shown} | C# 0.275 ± 0.002 (3) vs PyTorch 0.293 ± 0.017 (3): same |", text);
        // A lesson on its real data keeps the course's target; without a comparison it says so
        Assert.Contains("| 87.1% | >= 86.0% | met | not compared |", text);
        Assert.Contains("written by bench/run on 2026-11-29 02:00 UTC", text);
    }

    [Fact]
    public void A_damaged_parity_file_is_an_error_naming_it_and_the_line()
    {
        WriteExecuted("a.ipynb", Line(CourseMode.Full, 0.871));
        var parity = Path.Combine(folder, "parity.tsv");
        File.WriteAllLines(parity, ["# written by bench/run", "Section 3 Lesson 7\t0.275"]);
        var error = Assert.Throws<InvalidDataException>(() => Results.Write(folder, Path.Combine(folder, "RESULTS.md"), TextWriter.Null, parity));
        Assert.Contains("parity.tsv, line 2", error.Message);
    }

    [Fact]
    public void Without_full_mode_results_it_fails_rather_than_write_an_empty_table()
    {
        WriteExecuted("a.ipynb", Line(CourseMode.Fast, 0.9));
        Assert.NotEqual(0, Results.Write(folder, Path.Combine(folder, "RESULTS.md"), TextWriter.Null));
    }

    [Theory]
    [InlineData(0.3, true)]
    [InlineData(0.4, true)]
    [InlineData(0.41, false)]
    public void At_most_targets_suit_losses(double loss, bool met) =>
        Assert.Equal(met, Target.AtMost(0.4).IsMetBy(loss));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
