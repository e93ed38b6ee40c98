using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using NotebookRunner;
using static DeepLearningCourse.Tests.Notebooks.NotebookBuilder;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>
/// Fast mode's cell settings come from one place, the cells' metadata, and run after their cell wherever fast mode
/// is on: in a notebook kernel (VS Code, the runner) through the library, in an app through the code make-apps writes.
/// </summary>
public sealed class FastSettingsTests
{
    [Fact]
    public void The_settings_of_a_notebook_are_its_code_cells_fast_code_keyed_by_their_source()
    {
        var lesson = Notebook(
            Cell("markdown", "# Title"),
            Cell("code", "var steps = 2000;  \r\nvar size = 400;", new JsonObject { ["fast"] = "steps = 20;" }),
            Cell("code", "Console.WriteLine(steps);"));

        var settings = FastSettings.In(lesson, "Lesson.ipynb");

        Assert.Equal([("var steps = 2000;\nvar size = 400;", "steps = 20;")], settings);
    }

    [Fact]
    public void Fast_settings_on_a_markdown_cell_are_an_error_naming_the_notebook_and_the_cell()
    {
        var lesson = Notebook(Cell("code", "var x = 1;"), Cell("markdown", "text", new JsonObject { ["fast"] = "x = 2;" }));
        var error = Assert.Throws<InvalidDataException>(() => FastSettings.In(lesson, "Lesson.ipynb"));
        Assert.Contains("Lesson.ipynb: cell 2", error.Message);
    }

    [Fact]
    public async Task A_kernel_runs_the_fast_code_right_after_the_cell_that_asks_for_it_and_only_then()
    {
        var folder = Directory.CreateTempSubdirectory("fast-settings-");
        try
        {
            NotebookJson.Save(Notebook(
                Cell("code", "var steps = 2000;", new JsonObject { ["fast"] = "steps = 20;" }),
                Cell("code", "Console.WriteLine(steps);")), Path.Combine(folder.FullName, "Lesson.ipynb"));
            using var kernel = new RecordingKernel();

            FastSettings.RunAfterCells(kernel, folder.FullName);
            await kernel.SendAsync(new SubmitCode("var steps = 2000;\n"));
            await kernel.SendAsync(new SubmitCode("Console.WriteLine(steps);"));

            Assert.Equal(["var steps = 2000;\n", "steps = 20;", "Console.WriteLine(steps);"], kernel.Submitted);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
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

        Assert.Contains(("var steps = 2000;", "steps = 20;"), FastSettings.In(exercises, "Lesson (Exercises).ipynb"));
    }

    /// <summary>A kernel that only remembers the code it was sent, in order.</summary>
    sealed class RecordingKernel() : Kernel("recording"), IKernelCommandHandler<SubmitCode>
    {
        public List<string> Submitted { get; } = [];

        public Task HandleAsync(SubmitCode command, KernelInvocationContext context)
        {
            Submitted.Add(command.Code);
            return Task.CompletedTask;
        }
    }
}
