using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AppMaker;

/// <summary>What a name declared in a cell is, as far as an app is concerned.</summary>
public enum NameKind
{
    /// <summary>A variable of the notebook's top level: a local of the app's top-level statements.</summary>
    TopVariable,
    /// <summary>A method of the notebook's top level: a local function of the app.</summary>
    TopFunction,
    /// <summary>A local inside a statement of the top level (a loop's variable, say), outside any function.</summary>
    Nested,
    /// <summary>A class, record, struct, enum or interface.</summary>
    Type,
}

/// <summary>One declared name: where (the submission and the span of its identifier), what, and its type.</summary>
public sealed class Declaration(int submission, TextSpan span, string name, NameKind kind, ITypeSymbol? type, SyntaxNode node)
{
    public int Submission { get; } = submission;
    public TextSpan Span { get; } = span;
    public string Name { get; } = name;
    public NameKind Kind { get; set; } = kind;
    public ITypeSymbol? Type { get; } = type;
    /// <summary>The declarator, designation, loop, method or type that declares it.</summary>
    public SyntaxNode Node { get; } = node;
    /// <summary>The name the app gives it.</summary>
    public string AppName { get; set; } = name;
    /// <summary>Whether the app assigns an earlier variable of the same name and type instead of declaring a new one.</summary>
    public bool Merged { get; set; }
}

/// <summary>A use of a declared name.</summary>
public sealed record Reference(int Submission, TextSpan Span, Declaration Target, bool InsideFunction);

/// <summary>
/// The cells' code bound as the notebook kernel binds it: one C# script submission per cell (and one per cell's
/// fast-mode code, right after it), each seeing what the ones before declared. It tells which declaration every
/// name in the cells refers to, and the declarations' types, against the course library and the .NET libraries.
/// </summary>
public sealed class ScriptModel
{
    static readonly CSharpParseOptions ScriptParsing = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);
    static readonly Lazy<IReadOnlyList<MetadataReference>> references = new(LoadReferences);

    /// <summary>The assemblies lessons are bound against: the .NET libraries and the course library with its dependencies.</summary>
    public static IReadOnlyList<MetadataReference> LibraryReferences => references.Value;

    public IReadOnlyList<SyntaxTree> Trees { get; }
    public IReadOnlyList<SemanticModel> Models { get; }
    public List<Declaration> Declarations { get; } = [];
    public List<Reference> References { get; } = [];
    /// <summary>Every identifier written anywhere, so a new name never captures an existing one.</summary>
    public HashSet<string> Identifiers { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Binds <paramref name="prelude"/> (the names every lesson has) followed by <paramref name="submissions"/>, against the
    /// course library and the assemblies of the lesson's own packages, <paramref name="packageAssemblies"/>.
    /// </summary>
    /// <exception cref="SubmissionException">A submission does not compile (nor would it in the notebook).</exception>
    public ScriptModel(string prelude, IReadOnlyList<string> submissions, IReadOnlyList<string> packageAssemblies)
    {
        var all = references.Value.Concat(packageAssemblies.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable, allowUnsafe: true);
        var trees = new List<SyntaxTree>();
        var models = new List<SemanticModel>();
        CSharpCompilation? previous = CSharpCompilation.CreateScriptCompilation("prelude",
            CSharpSyntaxTree.ParseText(prelude, ScriptParsing), all, options, returnType: typeof(object));
        for (var i = 0; i < submissions.Count; i++)
        {
            var tree = CSharpSyntaxTree.ParseText(submissions[i], ScriptParsing);
            previous = CSharpCompilation.CreateScriptCompilation($"cell{i}", tree, all, options, previous, typeof(object));
            if (previous.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
                throw new SubmissionException(i, $"{error.Id} {error.GetMessage()} (line {error.Location.GetLineSpan().StartLinePosition.Line + 1})");
            trees.Add(tree);
            models.Add(previous.GetSemanticModel(tree));
        }
        Trees = trees;
        Models = models;
        var byLocation = new Dictionary<(SyntaxTree, int), Declaration>();
        for (var i = 0; i < trees.Count; i++) Declare(i, byLocation);
        for (var i = 0; i < trees.Count; i++) Refer(i, byLocation);
    }

    /// <summary>Whether <paramref name="node"/> lies in a lambda, a function or a type: there a name may shadow one outside.</summary>
    public static bool InsideFunction(SyntaxNode node) => node.Ancestors().Any(a =>
        a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax
            or BaseTypeDeclarationSyntax or AccessorDeclarationSyntax);

    void Declare(int index, Dictionary<(SyntaxTree, int), Declaration> byLocation)
    {
        var model = Models[index];
        foreach (var node in Trees[index].GetRoot().DescendantNodes())
        {
            var (symbol, nested) = node switch
            {
                VariableDeclaratorSyntax or SingleVariableDesignationSyntax or ForEachStatementSyntax or CatchDeclarationSyntax
                    => (model.GetDeclaredSymbol(node), InsideFunction(node)),
                MethodDeclarationSyntax or LocalFunctionStatementSyntax or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax
                    => (model.GetDeclaredSymbol(node), InsideFunction(node)),
                _ => (null, true),
            };
            if (symbol is null || nested) continue;
            var kind = symbol switch
            {
                IFieldSymbol => NameKind.TopVariable,
                IMethodSymbol when node is MethodDeclarationSyntax => NameKind.TopFunction,
                IMethodSymbol or ILocalSymbol => NameKind.Nested,
                INamedTypeSymbol => NameKind.Type,
                _ => (NameKind?)null,
            };
            if (kind is null || symbol.Locations.FirstOrDefault(l => l.SourceTree == Trees[index]) is not { } location) continue;
            var type = symbol switch { IFieldSymbol f => f.Type, ILocalSymbol l => l.Type, _ => null };
            var declaration = new Declaration(index, location.SourceSpan, symbol.Name, kind.Value, type, node);
            Declarations.Add(declaration);
            byLocation[(Trees[index], location.SourceSpan.Start)] = declaration;
        }
    }

    void Refer(int index, Dictionary<(SyntaxTree, int), Declaration> byLocation)
    {
        var model = Models[index];
        foreach (var token in Trees[index].GetRoot().DescendantTokens())
            if (token.IsKind(SyntaxKind.IdentifierToken)) Identifiers.Add(token.ValueText);
        foreach (var name in Trees[index].GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
        {
            var info = model.GetSymbolInfo(name);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
            if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor) symbol = constructor.ContainingType;
            if (symbol?.OriginalDefinition.Locations.FirstOrDefault(l => l.IsInSource) is not { } location
                || !byLocation.TryGetValue((location.SourceTree!, location.SourceSpan.Start), out var target)) continue;
            References.Add(new Reference(index, name.Identifier.Span, target, InsideFunction(name)));
        }
    }

    /// <summary>
    /// The assemblies a lesson is bound against: this program's own (the .NET libraries, and the course library with
    /// everything it references), less the tools themselves.
    /// </summary>
    static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var tools = new[] { "AppMaker.dll", "NotebookRunner.dll" };
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !tools.Contains(Path.GetFileName(path)))
            .DistinctBy(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }
}

/// <summary>A submission that does not compile: its number (from 0) and the first error.</summary>
public sealed class SubmissionException(int submission, string message) : Exception(message)
{
    public int Submission { get; } = submission;
}
