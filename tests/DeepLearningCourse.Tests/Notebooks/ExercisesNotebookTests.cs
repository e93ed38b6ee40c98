using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>The exercises notebooks are generated from the lessons, and stay so.</summary>
public sealed class ExercisesNotebookTests
{
    static IEnumerable<string> Lessons() =>
        Directory.GetDirectories(RepositoryFolder.Root, "Section*").SelectMany(d => Directory.GetFiles(d, "*.ipynb"))
            .Where(p => !ExercisesNotebook.IsExercises(p)).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_committed_exercises_notebook_is_what_the_generator_writes_from_its_lesson()
    {
        var stale = new List<string>();
        var count = 0;
        foreach (var lessonPath in Lessons())
        {
            var lesson = NotebookJson.Load(lessonPath);
            var exercises = ExercisesNotebook.PathFor(lessonPath);
            if (!ExercisesNotebook.HasExercises(lesson))
            {
                Assert.False(File.Exists(exercises), $"{exercises} exists but its lesson marks no exercise");
                continue;
            }
            count++;
            var expected = NotebookJson.ToText(ExercisesNotebook.Build(lesson, Path.GetFileName(lessonPath)));
            if (!File.Exists(exercises) || File.ReadAllText(exercises) != expected) stale.Add(Path.GetFileName(exercises));
        }
        Assert.True(count >= 8, $"only {count} lessons mark exercises");
        Assert.True(stale.Count == 0, $"out of date (run tools/make-exercises): {string.Join(", ", stale)}");
    }

    [Fact]
    public void Section_2_has_its_exercises_each_with_a_check()
    {
        var checks = Lessons().Where(l => l.Contains("Section2"))
            .Select(l => NotebookJson.ToText(ExercisesNotebook.Build(NotebookJson.Load(l), Path.GetFileName(l))))
            .Sum(text => text.Split("Exercise.Check(").Length - 1);
        Assert.True(checks >= 15, $"{checks} checks in Section 2");
    }

    static JsonObject Cell(string type, string source, JsonObject? exercise = null)
    {
        var metadata = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } };
        if (exercise is not null) metadata["course"] = new JsonObject { ["exercise"] = exercise };
        var cell = new JsonObject { ["cell_type"] = type, ["metadata"] = metadata, ["source"] = NotebookJson.Lines(source) };
        if (type == "code") { cell["outputs"] = new JsonArray(); cell["execution_count"] = null; }
        return cell;
    }

    static JsonObject Lesson(string stub, string? restFrom = "Console.WriteLine(y)") => new()
    {
        ["cells"] = new JsonArray(
            Cell("markdown", "# A lesson"),
            Cell("code", "#!import ../shared/Course.dib"),
            Cell("code", "var x = torch.ones(3);\nvar epochs = 5;"),
            Cell("markdown", "### Exercise: doubling\n\nDouble x."),
            Cell("code", "var y = x * 2;\nConsole.WriteLine(y);",
                new JsonObject { ["stub"] = stub, ["check"] = "Checks.Double(y, x)", ["rest_from"] = restFrom }),
            Cell("code", "using F = TorchSharp.torch.nn.functional;\nvar z = y + epochs;"),
            Cell("code", "var y = 1;\nConsole.WriteLine(y + epochs);"),
            Cell("code", "Course.Result(\"Section 9 Lesson 1\", \"value\", 1.0);")),
        ["metadata"] = new JsonObject { ["course"] = new JsonObject { ["outputs"] = new JsonObject { ["mode"] = "full" } } },
        ["nbformat"] = 4,
    };

    static List<string> Sources(JsonObject notebook) =>
        NotebookJson.Cells(notebook).Where(NotebookJson.IsCode).Select(c => NotebookJson.Text(c["source"])).ToList();

    [Fact]
    public void A_marked_cell_becomes_its_stub_and_a_check_and_cells_that_use_the_answer_are_guarded()
    {
        var notebook = ExercisesNotebook.Build(Lesson("// TODO: y = x doubled\nTensor y = null;"), "lesson.ipynb");
        var code = Sources(notebook);

        Assert.Equal("// TODO: y = x doubled\nTensor y = null;", code[2]);
        Assert.Equal("// Checks your answer to \"doubling\"; run it after the cell above.\nExercise.Check(\"doubling\", () => Checks.Double(y, x));", code[3]);
        // The rest of the solution cell uses y: it waits for the answer.
        Assert.Equal(ExercisesNotebook.GuardLine(["doubling"]) + "\nConsole.WriteLine(y);", code[4]);
        // The guard goes after a using directive, which must come first; epochs is given, not an answer.
        Assert.Equal("using F = TorchSharp.torch.nn.functional;\n" + ExercisesNotebook.GuardLine(["doubling"]) + "\nvar z = y + epochs;", code[5]);
        // A cell that declares y anew does not wait, and the result line is left out.
        Assert.Equal("var y = 1;\nConsole.WriteLine(y + epochs);", code[6]);
        Assert.Equal(7, code.Count);
        Assert.Null(notebook["metadata"]!["course"]);
        Assert.Contains("Exercises.", NotebookJson.Text(notebook["cells"]![1]!["source"]));
    }

    [Theory]
    [InlineData("IEnumerable<(Tensor a, Tensor b)> pairs(Tensor t)\n{\n    yield return (t, y);\n}", "pairs")]
    [InlineData("(List<double> a, List<double> b) twice(Tensor t, int n = 1,\n    int m = 2)\n{\n    return (new() { y.item<float>() }, new());\n}", "twice")]
    [InlineData("(char c, (Tensor h, Tensor c) s) step(Tensor t) => ('a', (t, y));", "step")]
    public void A_function_with_a_tuple_or_generic_return_type_that_uses_an_answer_makes_its_callers_wait(string function, string name)
    {
        var lesson = Lesson("Tensor y = null;");
        var cells = lesson["cells"]!.AsArray();
        // After the cells that use the answer, before the one that declares y anew
        cells.Insert(cells.Count - 2, Cell("code", function));
        cells.Insert(cells.Count - 2, Cell("code", $"var w = {name}(x);"));

        var code = Sources(ExercisesNotebook.Build(lesson, "lesson.ipynb"));

        Assert.Equal(ExercisesNotebook.GuardLine(["doubling"]) + $"\nvar w = {name}(x);", code[^2]);
    }

    [Fact]
    public void The_solved_notebook_puts_the_solution_where_the_stub_was()
    {
        var code = Sources(ExercisesNotebook.Build(Lesson("Tensor y = null;"), "lesson.ipynb", solved: true));
        Assert.Equal("var y = x * 2;", code[2]);
        Assert.StartsWith("// Checks your answer", code[3]);
    }

    [Fact]
    public void Recording_a_lesson_leaves_its_exercises_notebook_unchanged()
    {
        var lesson = Lesson("Tensor y = null;");
        var before = NotebookJson.ToText(ExercisesNotebook.Build(lesson, "lesson.ipynb"));
        foreach (var cell in NotebookJson.Cells(lesson).Where(NotebookJson.IsCode))
        {
            cell["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["text"] = "printed" });
            cell["execution_count"] = 3;
        }
        lesson["metadata"]!["course"]!["outputs"]!["mode"] = "fast";
        Assert.Equal(before, NotebookJson.ToText(ExercisesNotebook.Build(lesson, "lesson.ipynb")));
    }

    [Fact]
    public void A_stub_that_omits_a_name_later_cells_use_is_refused_with_the_name()
    {
        var lesson = Lesson("// TODO\nConsole.WriteLine(1);", restFrom: null);
        var e = Assert.Throws<InvalidDataException>(() => ExercisesNotebook.Build(lesson, "lesson.ipynb"));
        Assert.Contains("uses y", e.Message);
        Assert.Contains("\"doubling\"", e.Message);
    }

    [Fact]
    public void An_exercise_without_a_heading_is_refused()
    {
        var lesson = Lesson("Tensor y = null;");
        lesson["cells"]![3]!["source"] = NotebookJson.Lines("Double x.");
        var e = Assert.Throws<InvalidDataException>(() => ExercisesNotebook.Build(lesson, "lesson.ipynb"));
        Assert.Contains("### Exercise: <title>", e.Message);
    }
}
