using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>The cleaner on an executed notebook as dotnet-repl writes it, from a machine whose paths the fixture names.</summary>
public sealed class OutputCleanerTests
{
    static readonly OutputCleaner Cleaner = new([("/home/learner/course", "."), ("/home/learner", "~")]);

    static JsonObject Fixture() => NotebookJson.Load(RunnerTests.Fixture("executed-with-kernel-noise.ipynb"));

    static JsonArray Outputs(JsonObject notebook, int cell) => notebook["cells"]![cell]!["outputs"]!.AsArray();

    [Fact]
    public void The_package_installation_blocks_and_extension_notices_are_dropped()
    {
        var notebook = Fixture();
        Assert.Equal(6, Outputs(notebook, 1).Count);

        Cleaner.Clean(notebook);

        Assert.Empty(Outputs(notebook, 1));
        Assert.DoesNotContain("Installing Packages", NotebookJson.ToText(notebook));
        Assert.DoesNotContain("Loading extensions", NotebookJson.ToText(notebook));
    }

    [Fact]
    public void Printed_text_keeps_its_lines_with_paths_made_relative()
    {
        var notebook = Fixture();
        Cleaner.Clean(notebook);

        var stream = Outputs(notebook, 2).Single()!;
        Assert.Equal("Data: data/MNIST (10,000 images)\nDone\n", NotebookJson.Text(stream["text"]));
        Assert.IsType<JsonArray>(stream["text"]);
    }

    [Fact]
    public void Errors_keep_their_message_and_trace_without_this_machines_paths()
    {
        var notebook = Fixture();
        Cleaner.Clean(notebook);

        var error = Outputs(notebook, 4).Single()!;
        Assert.Equal("Could not find data/cats", (string?)error["evalue"]);
        Assert.Equal(
            ["System.IO.DirectoryNotFoundException: Could not find data/cats",
             "   at Load() in shared/Data/Folder.cs:line 3",
             "   at Other() in ~/coursework/Other.cs:line 9"],
            error["traceback"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public void Images_and_markdown_are_untouched()
    {
        var before = Fixture();
        var after = Fixture();
        Cleaner.Clean(after);

        Assert.True(JsonNode.DeepEquals(Outputs(before, 3), Outputs(after, 3)));
        Assert.True(JsonNode.DeepEquals(before["cells"]![0], after["cells"]![0]));
        Assert.Contains("/home/learner/course", NotebookJson.Text(after["cells"]![0]!["source"]));
    }
}
