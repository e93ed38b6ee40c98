using System.Text.Json.Nodes;
using NotebookRunner;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>
/// A learner's own notebook anywhere below the repository root loads the course with the one
/// <c>#!import</c> line the README documents. Runs real notebooks through dotnet-repl, from their own
/// folder, as tools/run-course and VS Code do.
/// </summary>
public sealed class OwnNotebookTests : IDisposable
{
    static readonly string Root = RepositoryFolder.Root;

    // Inside the repository (Course.dib looks for it above the notebook), in the ignored artifacts/ folder.
    readonly string inside = Path.Combine(Root, "artifacts", $"own-notebook-test-{Guid.NewGuid():N}");
    readonly string outside = Directory.CreateTempSubdirectory("own-notebook-test-").FullName;
    readonly string output = Directory.CreateTempSubdirectory("own-notebook-output-").FullName;

    const string UseTheCourse = """
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        Console.WriteLine($"Device: {device}");
        Console.WriteLine(torch.ones(2, 3).sum().item<float>());
        Console.WriteLine(Course.DataRoot);
        """;

    /// <summary>The README's line: one <c>../</c> per folder between the notebook and the repository root.</summary>
    static string ImportLine(int depth) => $"#!import {string.Concat(Enumerable.Repeat("../", depth))}shared/Course.dib";

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_notebook_deeper_than_the_lessons_loads_the_course(int depth)
    {
        // <root>/artifacts/<inside>/ is two folders down; each further folder adds one.
        var folder = inside;
        for (var level = 3; level <= depth; level++) folder = Path.Combine(folder, $"level{level}");
        var notebook = Write(Path.Combine(folder, "mine.ipynb"), ImportLine(depth), UseTheCourse);

        var (code, log) = Run(notebook);

        Assert.True(code == 0, log);
        var printed = Printed(Path.Combine(output, "fast", Path.GetRelativePath(Root, notebook)), cell: 1);
        Assert.StartsWith("Device: ", printed[0]);
        Assert.Equal("6", printed[1]);
        // The runner writes paths inside the repository relative to its root: the repository's own data folder.
        Assert.Equal("data", printed[2]);
    }

    [Fact]
    public void A_notebook_outside_the_repository_is_told_where_the_course_was_looked_for()
    {
        // dotnet-repl is the repository's local tool: its manifest comes along so that it starts out there.
        Directory.CreateDirectory(Path.Combine(outside, ".config"));
        File.Copy(Path.Combine(Root, ".config", "dotnet-tools.json"), Path.Combine(outside, ".config", "dotnet-tools.json"));
        var notebook = Write(Path.Combine(outside, "stray.ipynb"), $"#!import {Path.Combine(Root, "shared", "Course.dib")}", UseTheCourse);

        var (code, log) = Run(notebook);

        Assert.NotEqual(0, code);
        Assert.True(log.Contains("FAIL  ") && log.Contains("cell 1: "), log);
        var printed = Printed(Path.Combine(output, "fast", "stray.ipynb"), cell: 0);
        Assert.Contains($"Course.dib: neither {outside} nor any folder above it holds shared/DeepLearningCourse.csproj; keep the notebook inside the course repository.", printed);
    }

    (int Code, string Log) Run(string notebook)
    {
        var log = new StringWriter();
        var code = Runner.Run(["--fast", notebook, "--output", output], log);
        return (code, log.ToString());
    }

    static string Write(string path, params string[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select(source => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            }).ToArray()),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    /// <summary>The lines one cell of an executed notebook printed.</summary>
    static string[] Printed(string executed, int cell)
    {
        var outputs = JsonNode.Parse(File.ReadAllText(executed))!["cells"]![cell]!["outputs"]!;
        var text = string.Concat(outputs.AsArray()
            .Where(o => (string?)o!["output_type"] == "stream")
            .SelectMany(o => o!["text"] is JsonArray lines ? lines.Select(l => (string?)l) : [(string?)o["text"]]));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        foreach (var folder in new[] { inside, outside, output })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
