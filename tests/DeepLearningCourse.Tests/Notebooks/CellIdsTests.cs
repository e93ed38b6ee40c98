using System.Text.Json.Nodes;
using NotebookRunner;
using static DeepLearningCourse.Tests.Notebooks.NotebookBuilder;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>Cell ids: every cell gets a valid one, unique in its notebook, the same on every run.</summary>
public sealed class CellIdsTests
{
    static JsonObject WithoutId(JsonObject cell)
    {
        cell.Remove("id");
        return cell;
    }

    static List<string?> Ids(JsonObject notebook) => NotebookJson.Cells(notebook).Select(c => (string?)c["id"]).ToList();

    [Fact]
    public void Cells_without_a_valid_unique_id_get_one_and_the_others_keep_theirs()
    {
        var kept = Cell("markdown", "# Title");
        kept["id"] = "cell-03";
        var duplicate = Cell("code", "var b = 2;");
        duplicate["id"] = "cell-03";
        var invalid = Cell("code", "var c = 3;");
        invalid["id"] = "has spaces";
        var notebook = Notebook(WithoutId(Cell("code", "var a = 1;")), kept, duplicate, invalid);

        Assert.Equal(3, CellIds.Assign(notebook));

        var ids = Ids(notebook);
        Assert.Equal("cell-01", ids[0]);
        Assert.Equal("cell-03", ids[1]);
        Assert.StartsWith("cell-03-", ids[2]);   // its position's name is taken by the cell it duplicated
        Assert.Equal("cell-04", ids[3]);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(CellIds.IsValid(id!)));
    }

    [Fact]
    public void Assigning_twice_or_on_another_copy_gives_the_same_ids()
    {
        JsonObject Make() => Notebook(WithoutId(Cell("code", "x")), WithoutId(Cell("code", "y")), Cell("markdown", "cell-01"));
        var first = Make();
        var second = Make();
        CellIds.Assign(first);
        var text = NotebookJson.ToText(first);

        Assert.Equal(0, CellIds.Assign(first));
        Assert.Equal(text, NotebookJson.ToText(first));
        CellIds.Assign(second);
        Assert.Equal(text, NotebookJson.ToText(second));
    }

    [Fact]
    public void Ids_are_no_part_of_the_recorded_outputs_code_hash()
    {
        var notebook = Notebook(WithoutId(Cell("markdown", "# Lesson")), WithoutId(Cell("code", "var a = 1;")));
        var before = RecordedOutputs.CodeHash(notebook);

        CellIds.Assign(notebook);

        Assert.Equal(before, RecordedOutputs.CodeHash(notebook));
    }

    [Fact]
    public void An_executed_copy_gets_the_ids_of_the_notebook_that_ran()
    {
        var ran = Notebook(Cell("markdown", "# Lesson"), Cell("code", "var a = 1;"));
        var executed = Notebook(WithoutId(Cell("markdown", "# Lesson")), WithoutId(Cell("code", "var a = 1;")));

        CellIds.CopyOnto(ran, executed);

        Assert.Equal(Ids(ran), Ids(executed));
    }

    [Fact]
    public void An_exercises_notebook_built_from_a_lesson_without_ids_has_unique_ids()
    {
        var exercise = new JsonObject { ["stub"] = "Tensor y = null;", ["check"] = "Checks.Y(y)" };
        var lesson = Notebook(
            WithoutId(Cell("markdown", "# Lesson\n")),
            WithoutId(Cell("code", "#!import ../shared/Course.dib")),
            WithoutId(Cell("markdown", "### Exercise: y\n")),
            WithoutId(Cell("code", "var y = torch.ones(1);", new JsonObject { ["exercise"] = exercise })),
            WithoutId(Cell("markdown", "### Exercise: z\n")),
            WithoutId(Cell("code", "var z = torch.ones(1);", new JsonObject { ["exercise"] = exercise.DeepClone() })));
        foreach (var cell in NotebookJson.Cells(lesson).Where(NotebookJson.IsCode))
            (cell["outputs"], cell["execution_count"]) = (new JsonArray(), null);

        var ids = Ids(ExercisesNotebook.Build(lesson, "Lesson.ipynb"));

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id is not null && CellIds.IsValid(id)));
        Assert.Contains("cell-04-check", ids);
    }
}
