using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>How the runner judges an exercises notebook's two runs from what its check cells printed.</summary>
public sealed class ExerciseRunsTests
{
    static JsonObject Executed(params string[] printed) => new()
    {
        ["cells"] = new JsonArray(printed.Select(text => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["source"] = "Exercise.Check(\"x\", () => Section2Checks.Softmax(softmax));",
            ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["text"] = text + "\n" }),
        }).ToArray()),
    };

    static NotebookResult Run(params string[] printed) =>
        new("n", true, null, TimeSpan.FromSeconds(10), null, []) { Verdicts = ExerciseRuns.Verdicts(Executed(printed)) };

    [Fact]
    public void Both_runs_as_expected_pass_and_the_line_shows_both()
    {
        var result = ExerciseRuns.Combine(Run("… Not done yet: a", "… Not done yet: b"), Run("✔ Correct: a", "✔ Correct: b"));
        Assert.True(result.Passed);
        Assert.Contains("as given: 2 not done; solved: 2 passed", result.Summary("n"));
    }

    [Fact]
    public void A_check_that_fails_with_the_solutions_fails_the_notebook()
    {
        var result = ExerciseRuns.Combine(Run("… Not done yet: a", "… Not done yet: b"), Run("✔ Correct: a", "✘ Not quite: b"));
        Assert.False(result.Passed);
        Assert.Contains("1 check(s) did not pass", result.Problem);
    }

    [Fact]
    public void A_stub_that_passes_its_check_as_given_fails_the_notebook()
    {
        var result = ExerciseRuns.Combine(Run("✔ Correct: a"), Run("✔ Correct: a"));
        Assert.False(result.Passed);
        Assert.Contains("did not say \"not done yet\"", result.Problem);
    }
}
