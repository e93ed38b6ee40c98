using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// How CI's fast mode shortens a lesson whose cost is set by its own numbers (a step count, an image
/// size) rather than by its data: a code cell whose metadata carries <c>course.fast</c> (C# code, e.g.
/// <c>steps = 100;</c>) is followed, in the executed copy only, by a cell running that code. The lesson a
/// learner opens shows only the full-run values.
/// </summary>
public static class FastSettings
{
    /// <summary>The key under a cell's <c>metadata.course</c> that holds the fast-mode code.</summary>
    public const string Key = "fast";

    /// <summary>The first line of every injected cell, so an executed copy says where the cell came from.</summary>
    public const string Marker = "// Added by tools/run-course --fast: CI's quick check runs this lesson smaller.";

    /// <summary>A copy of <paramref name="notebook"/> with each fast-mode cell injected after the cell that asks for it.</summary>
    public static JsonObject Inject(JsonObject notebook) => InjectedCells.After(notebook, (cell, index) =>
    {
        if (cell["metadata"]?["course"]?[Key] is not JsonValue value || (string?)value is not { Length: > 0 } code) return null;
        return NotebookJson.IsCode(cell) ? code
            : throw new InvalidDataException($"cell {index + 1} carries course.{Key} but is not a code cell.");
    }, Marker, Key);
}
