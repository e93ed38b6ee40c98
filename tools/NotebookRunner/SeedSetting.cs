using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// Runs a lesson under another seed, for the C# side of bench/run's parity table: every code cell that
/// seeds torch's generator (<c>torch.manual_seed(7)</c>, as each lesson's first cell does) is followed, in the
/// executed copy only, by a cell seeding it with the chosen value. Everything random after that cell (the
/// initial weights, the data loaders' orders, the augmentation generators) then follows the new seed.
/// </summary>
public static class SeedSetting
{
    const string Call = "torch.manual_seed(";

    /// <summary>A copy of <paramref name="notebook"/> that reseeds torch with <paramref name="seed"/> after each cell that seeds it.</summary>
    public static JsonObject Inject(JsonObject notebook, long seed)
    {
        var injected = InjectedCells.After(notebook,
            (cell, _) => NotebookJson.IsCode(cell) && NotebookJson.Text(cell["source"]).Contains(Call, StringComparison.Ordinal)
                ? $"{Call}{seed});"
                : null,
            $"// Added by tools/run-course --seed {seed}: this run uses another seed than the lesson's.", "seed");
        if (NotebookJson.Cells(injected).Count() == NotebookJson.Cells(notebook).Count())
            throw new InvalidDataException($"no code cell calls {Call}...), so --seed cannot change this notebook's seed.");
        return injected;
    }
}
