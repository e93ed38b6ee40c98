using System.Text.Json.Nodes;
using NotebookRunner;
using static DeepLearningCourse.Tests.Notebooks.NotebookBuilder;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Fast mode shrinks a lesson's own settings in the executed copy only, and exercises notebooks keep the request.</summary>
public sealed class FastSettingsTests
{
    [Fact]
    public void The_fast_code_runs_right_after_the_cell_that_asks_for_it_and_the_lesson_is_untouched()
    {
        var lesson = Notebook(
            Cell("markdown", "# Title"),
            Cell("code", "var steps = 2000;", new JsonObject { ["fast"] = "steps = 20;" }),
            Cell("code", "Console.WriteLine(steps);"));
        var before = NotebookJson.ToText(lesson);

        var executed = FastSettings.Inject(lesson);

        Assert.Equal(["# Title", "var steps = 2000;", FastSettings.Marker + "\nsteps = 20;", "Console.WriteLine(steps);"], Sources(executed));
        var injected = NotebookJson.Cells(executed).ElementAt(2);
        Assert.Equal("csharp", (string?)injected["metadata"]?["polyglot_notebook"]?["kernelName"]);
        Assert.Null(injected["metadata"]?["course"]);
        Assert.Equal(before, NotebookJson.ToText(lesson));
    }

    [Fact]
    public void A_notebook_without_fast_settings_runs_as_written()
    {
        var lesson = Notebook(Cell("code", "var x = 1;"), Cell("code", "x++;", new JsonObject { ["exercise"] = new JsonObject() }));
        Assert.Equal(Sources(lesson), Sources(FastSettings.Inject(lesson)));
    }

    [Fact]
    public void Fast_settings_on_a_markdown_cell_are_an_error_naming_the_cell()
    {
        var lesson = Notebook(Cell("code", "var x = 1;"), Cell("markdown", "text", new JsonObject { ["fast"] = "x = 2;" }));
        var error = Assert.Throws<InvalidDataException>(() => FastSettings.Inject(lesson));
        Assert.Contains("cell 2", error.Message);
    }

    [Fact]
    public void An_exercises_notebook_keeps_the_fast_settings_of_the_lesson_cells_it_copies()
    {
        var lesson = Notebook(
            Cell("code", "#!import ../shared/Course.dib"),
            Cell("code", "var steps = 2000;", new JsonObject { ["fast"] = "steps = 20;" }),
            Cell("markdown", "### Exercise: double it"),
            Cell("code", "var y = steps * 2;", new JsonObject { ["exercise"] = new JsonObject { ["stub"] = "var y = 0; // TODO", ["check"] = "Console.WriteLine(y);" } }));

        var exercises = ExercisesNotebook.Build(lesson, "Lesson.ipynb");

        var executed = Sources(FastSettings.Inject(exercises));
        var settings = executed.FindIndex(s => s.StartsWith("var steps = 2000;", StringComparison.Ordinal));
        Assert.True(settings >= 0, string.Join(" | ", executed));
        Assert.Equal(FastSettings.Marker + "\nsteps = 20;", executed[settings + 1]);
    }
}
