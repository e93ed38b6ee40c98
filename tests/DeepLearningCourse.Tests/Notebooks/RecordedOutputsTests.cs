using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Recording outputs into a lesson and the check that keeps them current, without running a kernel.</summary>
public sealed class RecordedOutputsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("recorded-outputs-test-").FullName;

    /// <summary>A lesson (the passing fixture) and an executed copy of it whose code cells printed something.</summary>
    (string Lesson, JsonObject Executed) LessonAndRun(string name = "lesson.ipynb")
    {
        var lesson = Path.Combine(folder, name);
        File.Copy(RunnerTests.Fixture("passing.ipynb"), lesson);
        var executed = NotebookJson.Load(lesson);
        var number = 0;
        foreach (var cell in NotebookJson.Cells(executed).Where(NotebookJson.IsCode))
        {
            cell["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray($"cell {++number}\n") });
            cell["metadata"]!["dotnet_repl_cellExecutionStartTime"] = "2026-01-01T00:00:00+00:00";
        }
        return (lesson, executed);
    }

    static void Edit(string lesson, int cell, string source)
    {
        var notebook = NotebookJson.Load(lesson);
        notebook["cells"]![cell]!["source"] = new JsonArray(source);
        NotebookJson.Save(notebook, lesson);
    }

    [Fact]
    public void A_fresh_full_recording_passes_the_check_and_keeps_the_lessons_cells()
    {
        var (lesson, executed) = LessonAndRun();
        var original = NotebookJson.Load(lesson);
        Assert.Equal(File.ReadAllText(lesson), NotebookJson.ToText(original));

        RecordedOutputs.Record(lesson, executed, "full", DateTimeOffset.UtcNow);

        Assert.Empty(RecordedOutputs.Check(lesson));
        var recorded = NotebookJson.Load(lesson);
        Assert.Equal("cell 2\n", NotebookJson.Text(recorded["cells"]![2]!["outputs"]![0]!["text"]));
        Assert.Equal("full", (string?)recorded["metadata"]!["course"]!["outputs"]!["mode"]);
        // Only outputs and the stamp differ: the kernel's timing metadata stays out, markdown and sources stay as they were.
        ((JsonObject)recorded["metadata"]!).Remove("course");
        Assert.Equal(NotebookJson.ToText(original), NotebookJson.ToText(RecordedOutputs.WithoutOutputs(recorded)));
    }

    [Fact]
    public void A_changed_code_cell_fails_the_check()
    {
        var (lesson, executed) = LessonAndRun();
        RecordedOutputs.Record(lesson, executed, "full", DateTimeOffset.UtcNow);

        Edit(lesson, 1, "var answer = 6 * 9;");

        Assert.Equal(["its code changed after its outputs were recorded"], RecordedOutputs.Check(lesson));
    }

    [Fact]
    public void A_markdown_only_change_passes_the_check()
    {
        var (lesson, executed) = LessonAndRun();
        RecordedOutputs.Record(lesson, executed, "full", DateTimeOffset.UtcNow);

        Edit(lesson, 0, "A reworded explanation.");

        Assert.Empty(RecordedOutputs.Check(lesson));
    }

    [Fact]
    public void Missing_outputs_and_fast_mode_outputs_fail_the_check()
    {
        var (lesson, executed) = LessonAndRun();
        Assert.Equal(["it has no recorded outputs"], RecordedOutputs.Check(lesson));

        RecordedOutputs.Record(lesson, executed, "fast", DateTimeOffset.UtcNow);
        Assert.Equal(["its outputs were recorded in fast mode, not from a full run"], RecordedOutputs.Check(lesson));
    }

    [Fact]
    public void A_lesson_over_the_size_limit_fails_the_check()
    {
        var (lesson, executed) = LessonAndRun();
        var code = NotebookJson.Cells(executed).Where(NotebookJson.IsCode).First();
        code["outputs"]!.AsArray().Add(new JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = new JsonObject { ["image/png"] = new string('A', (int)RecordedOutputs.MaxBytes) },
            ["metadata"] = new JsonObject(),
        });
        RecordedOutputs.Record(lesson, executed, "full", DateTimeOffset.UtcNow);

        Assert.Contains("over the 1 MB limit", Assert.Single(RecordedOutputs.Check(lesson)));
    }

    [Fact]
    public void An_executed_copy_of_different_code_is_refused_and_the_lesson_is_left_alone()
    {
        var (lesson, executed) = LessonAndRun();
        executed["cells"]![1]!["source"] = new JsonArray("var answer = 0;");
        var before = File.ReadAllText(lesson);

        Assert.Throws<InvalidDataException>(() => RecordedOutputs.Record(lesson, executed, "full", DateTimeOffset.UtcNow));
        Assert.Equal(before, File.ReadAllText(lesson));
    }

    [Fact]
    public void The_check_names_each_stale_lesson_and_the_command_that_refreshes_it_and_skips_exercises()
    {
        var (current, executed) = LessonAndRun("Part 1 - Current.ipynb");
        RecordedOutputs.Record(current, executed, "full", DateTimeOffset.UtcNow);
        var (stale, _) = LessonAndRun("Part 2 - Stale.ipynb");
        var (exercise, _) = LessonAndRun("Part 3 - Tensors (Exercises).ipynb");

        var log = new StringWriter();
        var code = RecordedOutputs.CheckAll(folder, [current, stale, exercise], log);

        Assert.NotEqual(0, code);
        Assert.Contains("Part 2 - Stale.ipynb: it has no recorded outputs", log.ToString());
        Assert.Contains("tools/run-course --record \"Part 2 - Stale.ipynb\"", log.ToString());
        Assert.DoesNotContain("Part 1 - Current", log.ToString());
        Assert.DoesNotContain("Exercises", log.ToString());
        Assert.Contains("1 of 2 lesson(s)", log.ToString());
    }

    [Fact]
    public void A_file_that_is_not_a_notebook_is_reported_by_name()
    {
        var broken = Path.Combine(folder, "broken.ipynb");
        File.WriteAllText(broken, "{ \"cells\": [");

        Assert.Contains("broken.ipynb: not valid JSON", Assert.Single(RecordedOutputs.Check(broken)));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
