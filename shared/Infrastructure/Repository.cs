namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// The course repository this process runs from: the folder holding <c>shared/DeepLearningCourse.csproj</c>, found
/// above the library's own folder (notebooks load it from <c>shared/bin</c>), above the file of a file-based app
/// (<c>dotnet run apps/...cs</c> builds it elsewhere), or above the working directory.
/// <para>
/// The course's one way to find its repository from C#: the library, the tests and the tools (which compile this file
/// in, as they do <c>AtomicFile</c>, rather than load the library) all ask <see cref="Find"/>, each from the
/// folders it starts in. Only <c>shared/Course.dib</c> looks for itself, since it runs before the library is loaded.
/// </para>
/// </summary>
static class Repository
{
    /// <summary>What marks the repository's root folder: the course library's project, relative to it.</summary>
    public static readonly string Marker = Path.Combine("shared", "DeepLearningCourse.csproj");

    static readonly Lazy<string?> root = new(() => Find(
        Path.GetDirectoryName(typeof(Repository).Assembly.Location),
        AppContext.GetData("EntryPointFileDirectoryPath") as string,
        Environment.CurrentDirectory));

    /// <summary>The repository's root folder, or null when this process runs outside one.</summary>
    public static string? Root => root.Value;

    /// <summary>The first folder, from each start upwards in turn, that holds the course library's project.</summary>
    public static string? Find(params string?[] starts)
    {
        foreach (var start in starts)
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        }
        return null;
    }
}
