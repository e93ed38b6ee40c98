using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AppMaker;

/// <summary>
/// Gives every name the cells declare a name in the app. A notebook runs each cell as its own script, so a later cell
/// may declare <c>model</c> again; an app's top-level statements are one block of code, where a name is declared once
/// and a loop inside it may not reuse a name declared outside. In order of preference:
/// <list type="number">
/// <item>the cells that use a name before it is declared again become a block of their own (<c>{ … }</c>), when
/// no later cell needs what they declare;</item>
/// <item>a variable declared again with the same type is assigned instead (<c>model = new Classifier();</c>);</item>
/// <item>what still clashes gets a numbered name (<c>model2</c>).</item>
/// </list>
/// </summary>
sealed class Names(ScriptModel model, IReadOnlyList<int> cellOfSubmission, IReadOnlySet<int> unwrappable)
{
    readonly HashSet<string> used = new(model.Identifiers, StringComparer.Ordinal);

    int CellOf(Declaration declaration) => cellOfSubmission[declaration.Submission];

    /// <summary>Decides every declaration's app name; returns the runs of cells (first and last cell number) that become blocks.</summary>
    /// <exception cref="InvalidDataException">Two cells declare a type of the same name.</exception>
    public IReadOnlyList<(int First, int Last)> Decide()
    {
        var duplicateType = model.Declarations.Where(d => d.Kind == NameKind.Type).GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicateType is not null)
            throw new InvalidDataException($"the type {duplicateType.Key} is declared in two cells; an app can declare it once only, so give the second another name.");

        var top = model.Declarations.Where(d => d.Kind is NameKind.TopVariable or NameKind.TopFunction).ToList();
        var blocks = Blocks(top);
        (int First, int Last)? BlockOf(int cell) => blocks.Cast<(int, int)?>().FirstOrDefault(b => b!.Value.Item1 <= cell && cell <= b.Value.Item2);

        var fileNames = NameScope(top.Where(d => BlockOf(CellOf(d)) is null), new HashSet<string>(), []);
        var blockNames = new Dictionary<(int, int), HashSet<string>>();
        foreach (var block in blocks)
            blockNames[block] = NameScope(top.Where(d => BlockOf(CellOf(d)) == block), fileNames,
                top.Where(d => BlockOf(CellOf(d)) is null).ToList());

        foreach (var declaration in model.Declarations.Where(d => d.Kind == NameKind.Nested))
        {
            var enclosing = BlockOf(CellOf(declaration)) is { } block ? blockNames[block] : new HashSet<string>();
            if (fileNames.Contains(declaration.Name) || enclosing.Contains(declaration.Name)) declaration.AppName = Fresh(declaration.Name);
        }
        return blocks;
    }

    /// <summary>
    /// For each top-level name declared again elsewhere, the smallest run of cells from its declaration that no later
    /// cell needs anything from; kept when it holds no other declaration of the name (and no set-up or fast-mode cell).
    /// </summary>
    List<(int First, int Last)> Blocks(List<Declaration> top)
    {
        var lastUse = top.ToDictionary(d => d, d => model.References.Where(r => r.Target == d).Select(r => cellOfSubmission[r.Submission]).Append(CellOf(d)).Max());
        var accepted = new List<((int First, int Last) Range, HashSet<int> Forbidden, HashSet<string> Names)>();
        foreach (var declaration in top)
        {
            // A variable declared again with its type and assignable is no clash: the later one assigns the earlier.
            var clashes = model.Declarations.Where(d => d != declaration && d.Kind != NameKind.Type && d.Name == declaration.Name && CellOf(d) != CellOf(declaration)
                    && !(d.Kind == NameKind.TopVariable && declaration.Kind == NameKind.TopVariable && (CanAssign(d, [declaration]) || CanAssign(declaration, [d]))))
                .Select(CellOf).ToHashSet();
            if (clashes.Count == 0) continue;
            var (first, last) = (CellOf(declaration), lastUse[declaration]);
            for (var grown = true; grown;)
            {
                var end = top.Where(d => CellOf(d) >= first && CellOf(d) <= last).Max(d => lastUse[d]);
                grown = end > last;
                last = end;
            }
            var overlapping = accepted.Where(a => a.Range.First <= last && first <= a.Range.Last).ToList();
            var range = (First: overlapping.Select(a => a.Range.First).Append(first).Min(), Last: overlapping.Select(a => a.Range.Last).Append(last).Max());
            var forbidden = overlapping.SelectMany(a => a.Forbidden).Concat(clashes).Concat(unwrappable).ToHashSet();
            if (forbidden.Any(cell => cell >= range.First && cell <= range.Last)) continue;
            accepted.RemoveAll(overlapping.Contains);
            accepted.Add((range, forbidden, overlapping.SelectMany(a => a.Names).Append(declaration.Name).ToHashSet()));
        }

        // A block helps only if, for a name it was made for, no declaration of that name stays outside every block:
        // the top level encloses the blocks, so such a declaration would clash with the block's all the same.
        bool Outside(Declaration d) => !accepted.Any(a => a.Range.First <= CellOf(d) && CellOf(d) <= a.Range.Last);
        for (var dropped = true; dropped;)
        {
            var useless = accepted.FirstOrDefault(a => !a.Names.Any(name => !top.Any(d => d.Name == name && Outside(d))));
            dropped = useless != default;
            if (dropped) accepted.Remove(useless);
        }
        return accepted.Select(a => a.Range).OrderBy(r => r.First).ToList();
    }

    /// <summary>
    /// Names the declarations of one scope (the file's top level, or a block within it, where <paramref name="outer"/>
    /// holds the names of the top level and <paramref name="outerVariables"/> the variables a repeated one may assign).
    /// Returns the names the scope then declares.
    /// </summary>
    HashSet<string> NameScope(IEnumerable<Declaration> declarations, IReadOnlySet<string> outer, IReadOnlyList<Declaration> outerVariables)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var variables = outerVariables.Where(d => d.Kind == NameKind.TopVariable && !d.Merged)
            .Select(d => model.Declarations.Where(m => m == d || m.Merged && m.AppName == d.AppName).ToList()).ToList();
        foreach (var declaration in declarations)
        {
            if (declaration.Kind == NameKind.TopVariable
                && variables.Where(v => v[0].Name == declaration.Name).Reverse().FirstOrDefault(v => CanAssign(declaration, v)) is { } earlier)
            {
                declaration.Merged = true;
                declaration.AppName = earlier[0].AppName;
                earlier.Add(declaration);
                continue;
            }
            if (taken.Contains(declaration.Name) || outer.Contains(declaration.Name)) declaration.AppName = Fresh(declaration.Name);
            taken.Add(declaration.AppName);
            if (declaration.Kind == NameKind.TopVariable) variables.Add([declaration]);
        }
        return taken;
    }

    /// <summary>
    /// Whether <paramref name="declaration"/> can assign the app variable that <paramref name="earlier"/> declared:
    /// declared before it, the same type, a declaration an assignment can replace, and no function or lambda that uses
    /// the earlier variable (in the notebook it would keep the earlier value).
    /// </summary>
    bool CanAssign(Declaration declaration, List<Declaration> earlier) =>
        earlier[0].Submission < declaration.Submission
        && declaration.Type is { TypeKind: not TypeKind.Error } type
        && earlier[0].Type is { } earlierType
        && SymbolEqualityComparer.Default.Equals(type, earlierType)
        && Assignable(declaration.Node)
        && !model.References.Any(r => r.InsideFunction && earlier.Contains(r.Target));

    /// <summary><c>var x = …;</c> or <c>T x;</c> alone in its statement, or one name of <c>var (a, b) = …;</c>.</summary>
    static bool Assignable(SyntaxNode node) => node switch
    {
        // A script parses a top-level variable as a field declaration, a nested one as a local declaration.
        VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax { Modifiers.Count: 0 } } } => true,
        VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } }
            => statement.UsingKeyword.IsMissing && statement.Modifiers.Count == 0,
        SingleVariableDesignationSyntax { Parent: ParenthesizedVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Parent: AssignmentExpressionSyntax } } } => true,
        _ => false,
    };

    string Fresh(string name)
    {
        for (var n = 2; ; n++)
            if (used.Add(name + n)) return name + n;
    }
}
