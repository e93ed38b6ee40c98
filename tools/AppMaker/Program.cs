using NotebookRunner;

namespace AppMaker;

/// <summary>
/// tools/make-apps: writes every notebook's app into apps/, or with --check, says which committed app differs from
/// what its notebook gives now and how to refresh it, and fails.
/// </summary>
public static class Program
{
    const string Usage = """
        Usage: make-apps [--check] [NOTEBOOK ...]
          NOTEBOOK  part of a notebook's path ("Part 4", "Section3"); default: every notebook under Section*/
          --check   write nothing; fail if an app in apps/ is not what its notebook gives (or has no notebook)
        """;

    public static int Main(string[] args)
    {
        var check = args.Contains("--check");
        var names = args.Where(a => a != "--check").ToList();
        if (names.Any(n => n.StartsWith("--", StringComparison.Ordinal)))
        {
            Console.WriteLine(Usage);
            return 64;
        }
        var root = Repository();
        var header = CourseHeader.Read(Path.Combine(root, "shared", "Course.dib"));
        var notebooks = Directory.GetDirectories(root, "Section*")
            .SelectMany(d => Directory.GetFiles(d, "*.ipynb", SearchOption.AllDirectories))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => names.Count == 0 || names.Any(n => p.Contains(n, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (notebooks.Count == 0)
        {
            Console.WriteLine($"No notebook matches {string.Join(", ", names)}.");
            return 66;
        }

        var problems = 0;
        foreach (var notebook in notebooks)
        {
            var app = AppPath(notebook);
            string text;
            try
            {
                text = AppWriter.Write(NotebookJson.Load(Path.Combine(root, notebook)), notebook, app, header);
            }
            catch (InvalidDataException e)
            {
                Console.WriteLine($"FAIL  {notebook}: {e.Message}");
                problems++;
                continue;
            }
            var path = Path.Combine(root, app);
            var current = File.Exists(path) ? File.ReadAllText(path) : null;
            if (current == text) continue;
            if (check)
            {
                Console.WriteLine($"STALE  {app}: {(current is null ? "missing" : "differs from what its notebook gives")}.");
                Console.WriteLine($"       Refresh it with: tools/make-apps \"{notebook}\"");
                problems++;
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            Console.WriteLine($"wrote {app}");
        }

        if (names.Count == 0)
        {
            var expected = notebooks.Select(AppPath).ToHashSet(StringComparer.Ordinal);
            var apps = Path.Combine(root, "apps");
            var orphans = Directory.Exists(apps)
                ? Directory.GetFiles(apps, "*.cs", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).Where(p => !expected.Contains(p)).Order(StringComparer.Ordinal).ToList()
                : [];
            foreach (var orphan in orphans)
            {
                if (check)
                {
                    Console.WriteLine($"STALE  {orphan}: no notebook gives it. Remove it with: tools/make-apps");
                    problems++;
                }
                else
                {
                    File.Delete(Path.Combine(root, orphan));
                    Console.WriteLine($"removed {orphan}");
                }
            }
        }

        Console.WriteLine(problems == 0
            ? $"Apps are current for {notebooks.Count} notebook(s)."
            : $"{problems} app(s) {(check ? "out of date" : "not written")}.");
        return problems == 0 ? 0 : 1;
    }

    /// <summary>Where a notebook's app lives: <c>Section2-PyTorch/Part 4 - Fashion-MNIST.ipynb</c> → <c>apps/Section2-PyTorch/Part 4 - Fashion-MNIST.cs</c>.</summary>
    public static string AppPath(string notebook) => "apps/" + Path.ChangeExtension(notebook, ".cs");

    static string Repository() =>
        DeepLearningCourse.Infrastructure.Repository.Find(Environment.CurrentDirectory)
        ?? throw new DirectoryNotFoundException("Run make-apps from inside the course repository.");
}
