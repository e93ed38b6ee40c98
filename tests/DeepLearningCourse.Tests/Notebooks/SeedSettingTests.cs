using System.Text.Json.Nodes;
using NotebookRunner;
using static DeepLearningCourse.Tests.Notebooks.NotebookBuilder;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>bench/run's C# seeds: a lesson reseeded right after it seeds itself, in the executed copy only.</summary>
public sealed class SeedSettingTests
{
    [Fact]
    public void The_new_seed_follows_every_cell_that_seeds_torch_and_the_lesson_is_untouched()
    {
        var lesson = Notebook(
            Cell("markdown", "Seeding with torch.manual_seed(7) makes runs repeat."),
            Cell("code", "torch.manual_seed(7);\nvar device = torch.CPU;"),
            Cell("code", "var model = new Net();"),
            Cell("code", "torch.manual_seed(7); var x = torch.rand(3);"));
        var before = NotebookJson.ToText(lesson);

        var sources = Sources(SeedSetting.Inject(lesson, 9));

        Assert.Equal(6, sources.Count);
        Assert.Equal("torch.manual_seed(7);\nvar device = torch.CPU;", sources[1]);
        Assert.EndsWith("\ntorch.manual_seed(9);", sources[2]);
        Assert.StartsWith("// Added by tools/run-course --seed 9", sources[2]);
        Assert.Equal("var model = new Net();", sources[3]);
        Assert.EndsWith("\ntorch.manual_seed(9);", sources[5]);
        Assert.Equal(before, NotebookJson.ToText(lesson));
    }

    [Fact]
    public void A_notebook_that_never_seeds_torch_cannot_be_reseeded()
    {
        var lesson = Notebook(Cell("markdown", "torch.manual_seed(7) in prose only"), Cell("code", "var x = 1;"));
        var error = Assert.Throws<InvalidDataException>(() => SeedSetting.Inject(lesson, 8));
        Assert.Contains("manual_seed", error.Message);
    }

    [Theory]
    [InlineData("--record")]
    [InlineData("--results")]
    public void A_seed_is_refused_where_it_would_change_what_the_repository_keeps(string option)
    {
        var log = new StringWriter();
        Assert.Equal(64, Runner.Run(["--seed", "8", option], log));
        Assert.Contains("--seed only runs notebooks", log.ToString());
    }
}
