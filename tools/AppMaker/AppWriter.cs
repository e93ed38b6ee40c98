using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AppMaker;

/// <summary>
/// Writes a notebook as a C# file-based app (<c>dotnet run app.cs</c>, .NET 10): the directives and names of
/// <c>shared/Course.dib</c>, then every cell in order, markdown as comments, code as code, with what a notebook does
/// implicitly made explicit: <c>Course.Setup()</c> where the notebook imports Course.dib, <c>display(…)</c> of a cell's
/// last expression, the cells' fast-mode settings in an <c>if</c>, and the names the cells declare again made legal
/// in one block of statements (<see cref="Names"/>).
/// </summary>
public static class AppWriter
{
    /// <summary>
    /// The names an app has without writing them: the SDK's implicit usings (apps/Directory.Build.props turns them on)
    /// and System.Text, which a notebook's C# kernel imports too (apps/Directory.Build.props adds it).
    /// </summary>
    public static readonly IReadOnlyList<string> ImplicitUsings = ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http",
        "System.Threading", "System.Threading.Tasks", "System.Text"];

    /// <summary>The using that gives an app the notebooks' <c>display(…)</c>.</summary>
    public const string DisplayUsing = "using static DeepLearningCourse.Display.ConsoleDisplay;";

    /// <summary>The app for <paramref name="notebook"/>, stored at <paramref name="notebookPath"/> (relative to the repository), written to <paramref name="appPath"/>.</summary>
    /// <exception cref="InvalidDataException">The notebook has something an app cannot express; the message names the notebook and the cell.</exception>
    public static string Write(JsonObject notebook, string notebookPath, string appPath, CourseHeader header)
    {
        var cells = NotebookCell.Read(notebook, notebookPath);
        var codeCells = cells.Where(c => c.Markdown is null).ToList();
        var submissions = new List<string>();
        var cellOfSubmission = new List<int>();
        var fastSubmission = new Dictionary<int, int>();
        foreach (var cell in codeCells)
        {
            submissions.Add(cell.Code);
            cellOfSubmission.Add(cell.Number);
            if (cell.Fast is null) continue;
            fastSubmission[cell.Number] = submissions.Count;
            submissions.Add(cell.Fast.Replace("\r\n", "\n").Trim('\n'));
            cellOfSubmission.Add(cell.Number);
        }

        var prelude = string.Join("\n", ImplicitUsings.Select(u => $"using {u};").Concat(header.Usings).Append(DisplayUsing));
        ScriptModel model;
        try
        {
            model = new ScriptModel(prelude, submissions, LessonPackages.Assemblies(codeCells.SelectMany(c => c.Packages).ToList()));
        }
        catch (SubmissionException e)
        {
            var which = fastSubmission.ContainsValue(e.Submission) ? "'s fast-mode code" : "";
            throw new InvalidDataException($"{notebookPath}: cell {cellOfSubmission[e.Submission]}{which} does not compile: {e.Message}", e);
        }

        var unwrappable = codeCells.Where(c => c.Setup || c.Fast is not null).Select(c => c.Number).ToHashSet();
        var blocks = new Names(model, cellOfSubmission, unwrappable).Decide();

        var usings = new List<string>();
        var types = new List<string>();
        var body = new StringBuilder();
        var submission = 0;
        foreach (var cell in cells)
        {
            var block = blocks.FirstOrDefault(b => b.First <= cell.Number && cell.Number <= b.Last);
            var inBlock = block != default;
            if (inBlock && cell.Number == block.First)
                Block(body, "{ // The names declared from here to the closing brace end there: later parts of the lesson declare them again.");
            if (cell.Markdown is not null)
            {
                var comment = MarkdownComments.Of(cell.Markdown);
                if (comment.Count > 0) Block(body, Indent(string.Join("\n", comment), inBlock));
            }
            else
            {
                var tree = model.Trees[submission];
                var code = Rewrite(model, submission++, usings, types);
                if (cell.Setup) code = "Course.Setup();" + (code.Length > 0 ? "\n" + code : "");
                if (code.Length > 0) Block(body, Indent(code, inBlock && !HasMultilineString(tree)));
                if (cell.Fast is not null)
                {
                    var fastTree = model.Trees[submission];
                    var fast = Rewrite(model, submission++, usings, types);
                    Block(body, "// In fast mode (README: \"Full and fast mode\") the lesson runs smaller:\n"
                        + "if (Course.Mode == CourseMode.Fast)\n{\n" + Indent(fast, !HasMultilineString(fastTree)) + "\n}");
                }
            }
            if (inBlock && cell.Number == block.Last) Block(body, "}");
        }
        if (types.Count > 0)
            Block(body, "// The types the lesson declares in its cells: C# wants them after the statements.\n\n" + string.Join("\n\n", types));

        var packages = header.Packages.Concat(codeCells.SelectMany(c => c.Packages)).DistinctBy(p => p.Name).ToList();
        var conflict = codeCells.SelectMany(c => c.Packages).FirstOrDefault(p => packages.Single(q => q.Name == p.Name).Version != p.Version);
        if (conflict is not null)
            throw new InvalidDataException($"{notebookPath}: {conflict.Name} {conflict.Version} is referenced at another version than shared/Course.dib's.");

        var app = new StringBuilder();
        var project = Path.GetRelativePath(Path.GetDirectoryName(appPath)!, "shared/DeepLearningCourse.csproj").Replace('\\', '/');
        app.Append($"""
            // Generated by tools/make-apps from the notebook "{notebookPath}": edit the notebook, then run
            // tools/make-apps, rather than editing this file. Run it from anywhere in the repository:
            //   dotnet run "{appPath}"
            // README's "Without a notebook" says where its pictures go, how to run it in fast mode and how to debug it.

            """).Append('\n');
        foreach (var package in packages) app.Append(package.Directive).Append('\n');
        app.Append($"#:project {project}\n\n");
        foreach (var line in header.Usings.Append(DisplayUsing).Concat(usings).Distinct(StringComparer.Ordinal)) app.Append(line).Append('\n');
        app.Append(body);
        return app.ToString();
    }

    static void Block(StringBuilder body, string text) => body.Append('\n').Append(text.TrimEnd()).Append('\n');

    /// <summary>One submission's code as the app has it; its usings and types are taken out into <paramref name="usings"/> and <paramref name="types"/>.</summary>
    static string Rewrite(ScriptModel model, int index, List<string> usings, List<string> types)
    {
        var tree = model.Trees[index];
        var semantic = model.Models[index];
        var root = (CompilationUnitSyntax)tree.GetRoot();
        var text = tree.GetText().ToString();
        var edits = new List<Edit>();

        foreach (var declaration in model.Declarations.Where(d => d.Submission == index && d.AppName != d.Name))
            edits.Add(new Edit(declaration.Span, declaration.AppName));
        foreach (var reference in model.References.Where(r => r.Submission == index && r.Target.AppName != r.Target.Name))
            edits.Add(new Edit(reference.Span, reference.Target.AppName));
        edits.AddRange(Assignments(model.Declarations.Where(d => d.Submission == index).ToList()));

        foreach (var directive in root.Usings)
        {
            usings.Add(directive.ToString().Trim());
            edits.Add(new Edit(TextSpan.FromBounds(directive.SpanStart, directive.FullSpan.End), ""));
        }
        foreach (var type in root.Members.Where(m => m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax))
        {
            var inner = edits.Where(e => type.FullSpan.Contains(e.Span)).ToList();
            types.Add(Apply(text, type.FullSpan, inner).Trim('\n', '\r').TrimEnd());
            var (kind, name) = Describe(type);
            edits.Add(new Edit(type.FullSpan, $"\n// The {kind} {name} is at the end of this file: C# wants types after the statements.\n"));
        }

        foreach (var statement in root.DescendantNodes().OfType<ReturnStatementSyntax>().Where(r => r.Expression is not null && !ScriptModel.InsideFunction(r)))
        {
            edits.Add(new Edit(TextSpan.FromBounds(statement.ReturnKeyword.SpanStart, statement.Expression!.SpanStart), "{ display("));
            edits.Add(new Edit(statement.SemicolonToken.Span, "); return; }"));
        }

        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last })
        {
            var expression = last.Expression;
            if (semantic.GetTypeInfo(expression).Type is { SpecialType: SpecialType.System_Void })
                edits.Add(new Edit(new TextSpan(expression.Span.End, 0), ";"));
            else
            {
                edits.Add(new Edit(new TextSpan(expression.SpanStart, 0), "display("));
                edits.Add(new Edit(new TextSpan(expression.Span.End, 0), ");"));
            }
        }
        return Apply(text, new TextSpan(0, text.Length), edits).Trim('\n');
    }

    /// <summary>
    /// The edits that turn repeated declarations into assignments of the variables declared first: <c>var x = …</c>
    /// loses its type, <c>T x;</c> goes, and <c>var (a, b) = …</c> assigns the repeated names and declares the others,
    /// <c>(a, var b) = …</c>.
    /// </summary>
    static IEnumerable<Edit> Assignments(IReadOnlyList<Declaration> declarations)
    {
        foreach (var declaration in declarations.Where(d => d.Merged))
            if (declaration.Node is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax variables } declarator)
                yield return declarator.Initializer is null
                    ? new Edit(variables.Parent!.FullSpan, "")
                    : new Edit(TextSpan.FromBounds(variables.Type.SpanStart, declarator.Identifier.SpanStart), "");

        var deconstructions = declarations.Where(d => d.Merged).Select(d => d.Node.Parent).OfType<ParenthesizedVariableDesignationSyntax>().Distinct();
        foreach (var designations in deconstructions)
        {
            var parts = designations.Variables.Select(v => declarations.FirstOrDefault(d => d.Node == v) is { } d
                ? (d.Merged ? d.AppName : "var " + d.AppName)
                : "var " + v);
            yield return new Edit(designations.Parent!.Span, "(" + string.Join(", ", parts) + ")");
        }
    }

    static (string Kind, string Name) Describe(MemberDeclarationSyntax type) => type switch
    {
        RecordDeclarationSyntax r => ("record", r.Identifier.Text),
        ClassDeclarationSyntax c => ("class", c.Identifier.Text),
        StructDeclarationSyntax s => ("struct", s.Identifier.Text),
        InterfaceDeclarationSyntax i => ("interface", i.Identifier.Text),
        EnumDeclarationSyntax e => ("enum", e.Identifier.Text),
        DelegateDeclarationSyntax d => ("delegate", d.Identifier.Text),
        _ => ("type", type.ToString()),
    };

    /// <summary>Text replacing a span; an insertion has an empty span.</summary>
    sealed record Edit(TextSpan Span, string Text);

    /// <summary>
    /// <paramref name="text"/> within <paramref name="range"/> with the edits applied. Insertions come before a
    /// replacement at the same place; an edit inside one already applied (a removed statement's names) is dropped.
    /// </summary>
    static string Apply(string text, TextSpan range, IEnumerable<Edit> edits)
    {
        var result = new StringBuilder();
        var cursor = range.Start;
        foreach (var edit in edits.Where(e => range.Contains(e.Span)).OrderBy(e => e.Span.Start).ThenBy(e => e.Span.Length == 0 ? 0 : 1).ThenByDescending(e => e.Span.Length))
        {
            if (edit.Span.Start < cursor) continue;
            result.Append(text, cursor, edit.Span.Start - cursor).Append(edit.Text);
            cursor = edit.Span.End;
        }
        return result.Append(text, cursor, range.End - cursor).ToString();
    }

    /// <summary>Each line four spaces in, when <paramref name="indent"/>.</summary>
    static string Indent(string code, bool indent) =>
        indent ? string.Join("\n", code.Split('\n').Select(line => line.Length == 0 ? line : "    " + line)) : code;

    /// <summary>Whether the code holds a string over several lines, whose text indenting would change.</summary>
    static bool HasMultilineString(SyntaxTree tree) =>
        tree.GetRoot().DescendantTokens().Any(t => t.Text.Contains('\n') && t.Kind() is SyntaxKind.StringLiteralToken
            or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.MultiLineRawStringLiteralToken or SyntaxKind.InterpolatedMultiLineRawStringStartToken);
}
