using System.Text.Json.Nodes;
using AppMaker;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static DeepLearningCourse.Tests.Notebooks.NotebookBuilder;

namespace DeepLearningCourse.Tests.Notebooks;

/// <summary>
/// A notebook becomes an app that compiles as one C# program and reads as the lesson: cells in order, markdown as
/// comments, and what a notebook does implicitly written out.
/// </summary>
public sealed class AppWriterTests
{
    static readonly CourseHeader Header = new([new Package("TorchSharp-cpu", "0.107.0")],
        ["using TorchSharp;", "using static TorchSharp.torch;", "using DeepLearningCourse;", "using DeepLearningCourse.Display;", "using DeepLearningCourse.Exercises;"]);

    static JsonObject Code(string source, JsonObject? course = null) => Cell("code", source, course);

    static string App(params JsonObject[] cells) =>
        AppWriter.Write(Notebook([Code("#!import ../shared/Course.dib"), .. cells]), "Section9/Lesson.ipynb", "apps/Section9/Lesson.cs", Header);

    /// <summary>Compiles an app's code as the SDK would (its directives aside), and fails with the compiler's errors.</summary>
    static void AssertCompiles(string app)
    {
        var code = string.Join('\n', app.Split('\n').Select(line => line.StartsWith("#:", StringComparison.Ordinal) ? "" : line));
        var globals = string.Concat(AppWriter.ImplicitUsings.Select(u => $"global using {u};\n"));
        var parsing = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("app", [CSharpSyntaxTree.ParseText(code, parsing), CSharpSyntaxTree.ParseText(globals, parsing)],
            ScriptModel.LibraryReferences, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Disable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + app);
    }

    [Fact]
    public void The_header_references_course_dib_s_packages_and_the_library_and_the_setup_replaces_the_import()
    {
        var app = App(Code("var x = 1;"));

        var lines = app.Split('\n');
        Assert.Contains("#:package TorchSharp-cpu@0.107.0", lines);
        Assert.Contains("#:project ../../shared/DeepLearningCourse.csproj", lines);
        Assert.Contains(AppWriter.DisplayUsing, lines);
        Assert.True(Array.IndexOf(lines, "Course.Setup();") < Array.IndexOf(lines, "var x = 1;"));
        Assert.DoesNotContain("#!import", app);
        AssertCompiles(app);
    }

    [Fact]
    public void A_cell_s_last_expression_is_displayed_and_a_call_that_returns_nothing_just_runs()
    {
        var app = App(Code("var x = 2;\nx * 3"), Code("Console.WriteLine(x)"));

        Assert.Contains("display(x * 3);", app);
        Assert.Contains("\nConsole.WriteLine(x);\n", app);
        AssertCompiles(app);
    }

    [Fact]
    public void Markdown_becomes_wrapped_comments_that_keep_their_headings()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 40));
        var app = App(Cell("markdown", $"## Train the network\n\n{words}\n\n* an item"));

        Assert.Contains("// ## Train the network\n//\n// word word", app);
        Assert.All(app.Split('\n').Where(l => l.StartsWith("// word", StringComparison.Ordinal)), l => Assert.True(l.Length <= MarkdownComments.Width, l));
        Assert.Contains("// * an item", app);
    }

    [Fact]
    public void A_variable_declared_again_with_its_type_is_assigned_and_with_another_type_gets_a_new_name()
    {
        var app = App(
            Code("var model = new List<int> { 1 };"),
            Code("var model = new List<int> { 2 };"),
            Code("var count = model.Count;"),
            Code("var model = \"text\";"),
            Code("Console.WriteLine(model.Length + count);"));

        Assert.Contains("var model = new List<int> { 1 };", app);
        Assert.Contains("\nmodel = new List<int> { 2 };", app);
        Assert.Contains("var model2 = \"text\";", app);
        Assert.Contains("Console.WriteLine(model2.Length + count);", app);
        AssertCompiles(app);
    }

    [Fact]
    public void Cells_whose_names_no_later_cell_needs_become_a_block_so_a_loop_can_reuse_their_names()
    {
        var app = App(
            Code("var (first, second) = (1, 2);\nConsole.WriteLine(first + second);"),
            Code("var pairs = new[] { (3, 4) };\nforeach (var (first, second) in pairs) Console.WriteLine(first * second);"));

        Assert.Contains("{ // The names declared", app);
        Assert.Contains("    var (first, second) = (1, 2);", app);
        Assert.Contains("foreach (var (first, second) in pairs)", app);
        AssertCompiles(app);
    }

    [Fact]
    public void A_loop_variable_that_clashes_with_a_name_needed_later_gets_a_new_name()
    {
        var app = App(
            Code("var item = 1;"),
            Code("foreach (var item in new[] { 2, 3 }) Console.WriteLine(item);"),
            Code("Console.WriteLine(item);"));

        Assert.Contains("foreach (var item2 in new[] { 2, 3 }) Console.WriteLine(item2);", app);
        AssertCompiles(app);
    }

    [Fact]
    public void Usings_go_to_the_top_and_types_to_the_end_with_a_note_where_they_were()
    {
        var app = App(
            Code("using F = TorchSharp.torch.nn.functional;\n\nclass Doubler\n{\n    public int Twice(int x) => 2 * x;\n}"),
            Code("Console.WriteLine(new Doubler().Twice(2));"));

        var lines = app.Split('\n');
        Assert.True(Array.IndexOf(lines, "using F = TorchSharp.torch.nn.functional;") < Array.IndexOf(lines, "Course.Setup();"));
        Assert.Contains("// The class Doubler is at the end of this file", app);
        Assert.True(app.IndexOf("\nclass Doubler", StringComparison.Ordinal) > app.IndexOf("Console.WriteLine(new Doubler()", StringComparison.Ordinal));
        AssertCompiles(app);
    }

    [Fact]
    public void Fast_mode_settings_run_after_their_cell_only_in_fast_mode()
    {
        var app = App(Code("var steps = 2000;", new JsonObject { ["fast"] = "steps = 20;" }), Code("Console.WriteLine(steps);"));

        Assert.Contains("var steps = 2000;\n\n// In fast mode", app);
        Assert.Contains("if (Course.Mode == CourseMode.Fast)\n{\n    steps = 20;\n}", app);
        AssertCompiles(app);
    }

    [Fact]
    public void An_exercise_guard_shows_why_and_stops_the_app_where_the_notebook_skips_the_cell()
    {
        var app = App(Code("int[] answer = null;"), Code("if (Exercise.Pending(\"the answer\")) return Exercise.Skipped;\nConsole.WriteLine(answer.Length);"));

        Assert.Contains("if (Exercise.Pending(\"the answer\")) { display(Exercise.Skipped); return; }", app);
        AssertCompiles(app);
    }

    [Fact]
    public void Nuget_references_in_a_cell_become_package_directives()
    {
        var app = App(Code("#r \"nuget: TorchSharp-cpu, 0.107.0\"\nvar x = 1;"));
        Assert.Single(app.Split('\n'), l => l.StartsWith("#:package TorchSharp-cpu", StringComparison.Ordinal));
        Assert.DoesNotContain("#r", app);
    }

    [Fact]
    public void A_notebook_directive_an_app_cannot_express_is_an_error_naming_the_notebook_and_the_cell()
    {
        var error = Assert.Throws<InvalidDataException>(() => App(Code("#!time\nvar x = 1;")));
        Assert.Contains("Section9/Lesson.ipynb: cell 2", error.Message);
    }

    [Fact]
    public void A_cell_that_does_not_compile_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidDataException>(() => App(Code("var x = 1;"), Code("var y = undefinedName;")));
        Assert.Contains("cell 3 does not compile", error.Message);
    }
}
