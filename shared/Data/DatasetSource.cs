using DeepLearningCourse.Infrastructure;
namespace DeepLearningCourse.Data;

/// <summary>
/// Where a cached dataset came from, read from the <c>SOURCE.txt</c> that <c>tools/fetch-data</c>
/// (or the library's downloader) writes beside it. Its first line is <c>canonical</c> or
/// <c>stand-in</c>; the second says what the data is.
/// </summary>
public sealed record DatasetSource(bool IsStandIn, string Description)
{
    /// <summary>The marker's file name inside a dataset folder.</summary>
    public const string FileName = "SOURCE.txt";

    /// <summary>Reads the marker in <paramref name="folder"/>; files without one are described as of unrecorded origin.</summary>
    public static DatasetSource Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return new DatasetSource(false, $"files found in {folder} (origin not recorded)");
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length < 2 || lines[0].Trim() is not ("canonical" or "stand-in"))
            throw new DataFormatException(path, "expected a first line 'canonical' or 'stand-in' and a description on the second");
        return new DatasetSource(lines[0].Trim() == "stand-in", lines[1].Trim());
    }

    /// <summary>Writes the marker (temporary file, then rename, like every cache write).</summary>
    public static void Write(string folder, bool isStandIn, string description)
    {
        var path = Path.Combine(folder, FileName);
        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, $"{(isStandIn ? "stand-in" : "canonical")}\n{description}\n"));
    }

    /// <summary>
    /// Notes that <paramref name="dataset"/> is in use, for the lesson's result line: its name, with stand-ins
    /// marked as such. Returns this source, so the factories can go on to describe it.
    /// </summary>
    public DatasetSource Used(string dataset)
    {
        Provenance.Record(IsStandIn ? $"{dataset} (OFFLINE STAND-IN)" : dataset, IsStandIn);
        return this;
    }

    /// <summary>
    /// The line a notebook prints: stand-ins are announced in capitals so no one mistakes them for the real data,
    /// with the one command that gets the real data.
    /// </summary>
    public string Describe(string dataset, string split, long count, string suffix, string unit = "samples") =>
        IsStandIn
            ? $"{dataset} ({split}, {count:N0} {unit}): OFFLINE STAND-IN, not the real {dataset} (with a network, `{DatasetUnavailableException.OfflineCommand}` gets it): {Description}{suffix}"
            : $"{dataset} ({split}, {count:N0} {unit}): {Description}{suffix}";
}
