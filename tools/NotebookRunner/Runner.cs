using System.Diagnostics;
using System.Globalization;

namespace NotebookRunner;

/// <summary>
/// Runs notebooks one by one, each with its own folder as working directory (as VS Code does),
/// writes the executed copies and a TRX file under the output folder, prints one line per
/// notebook and returns non-zero if any cell failed or a kernel crashed.
/// </summary>
public static class Runner
{
    const string Usage = """
        Usage: run-course [--fast] [--output DIR] [--timeout MINUTES] [NOTEBOOK ...]
               run-course --results [--output DIR]   (collect full-mode results into RESULTS.md)
          NOTEBOOK   a path, or part of a notebook's path or name ("Part 1", "Section3"); default: every lesson
          --fast     CI's fast mode (COURSE_MODE=fast): less data, fewer epochs
          --output   where executed notebooks and results.trx go (default: artifacts/notebooks)
          --timeout  minutes one notebook may run before it is stopped (default: 60)
          --results  write RESULTS.md from the executed notebooks instead of running any
        """;

    public static int Run(string[] args, TextWriter log)
    {
        Options options;
        try { options = Options.Parse(args); }
        catch (ArgumentException e)
        {
            log.WriteLine(e.Message);
            log.WriteLine(Usage);
            return 64;
        }
        if (options.Help)
        {
            log.WriteLine(Usage);
            return 0;
        }

        var root = RepositoryRoot();
        if (options.Results)
            return Results.Write(Path.GetFullPath(options.Output ?? Path.Combine(root, "artifacts", "notebooks")), Path.Combine(root, "RESULTS.md"), log);

        var notebooks = Select(root, options.Names);
        if (notebooks.Count == 0)
        {
            log.WriteLine($"No notebook matches {string.Join(", ", options.Names)}.");
            return 66;
        }

        var output = Path.GetFullPath(options.Output ?? Path.Combine(root, "artifacts", "notebooks"));
        Directory.CreateDirectory(output);
        log.WriteLine($"Running {notebooks.Count} notebook(s) in {(options.Fast ? "fast" : "full")} mode; executed copies in {Path.GetRelativePath(root, output)}");

        var results = new List<NotebookResult>();
        foreach (var notebook in notebooks)
        {
            var relative = Path.GetRelativePath(root, notebook);
            var executed = Path.Combine(output, relative.StartsWith("..") ? Path.GetFileName(notebook) : relative);
            var result = Execute(notebook, executed, options);
            results.Add(result with { Name = relative });
            log.WriteLine(result.Summary(relative));
        }

        Trx.Write(Path.Combine(output, "results.trx"), results);
        var failed = results.Count(r => !r.Passed);
        log.WriteLine($"{results.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    static NotebookResult Execute(string notebook, string executed, Options options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        File.Delete(executed);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "repl", "--run", notebook, "--exit-after-run", "--output-path", executed })
            start.ArgumentList.Add(a);
        start.Environment["COURSE_MODE"] = options.Fast ? "fast" : "full";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var finished = process.WaitForExit(TimeSpan.FromMinutes(options.TimeoutMinutes));
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        clock.Stop();

        var cells = File.Exists(executed) ? ExecutedNotebook.Read(executed) : [];
        var problem = !finished ? $"stopped after {options.TimeoutMinutes} min"
            : !File.Exists(executed) ? $"kernel crashed (exit code {process.ExitCode}, no notebook written){Tail(stderr.Result + stdout.Result)}"
            : cells.FirstOrDefault(c => c.Error is not null) is { } bad ? $"cell {bad.Number}: {bad.Error}"
            : process.ExitCode != 0 ? $"dotnet-repl exit code {process.ExitCode}{Tail(stderr.Result)}"
            : null;
        return new NotebookResult(notebook, problem is null, problem, clock.Elapsed, ExecutedNotebook.ReadyTime(cells), cells);
    }

    static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : ": " + string.Join(" | ", lines.TakeLast(3));
    }

    /// <summary>The lessons in course order, or those whose path contains one of <paramref name="names"/>.</summary>
    static List<string> Select(string root, IReadOnlyList<string> names)
    {
        var lessons = Directory.GetDirectories(root, "Section*")
            .SelectMany(d => Directory.GetFiles(d, "*.ipynb", SearchOption.AllDirectories))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0) return lessons;

        var chosen = new List<string>();
        foreach (var name in names)
        {
            if (File.Exists(name)) chosen.Add(Path.GetFullPath(name));
            else chosen.AddRange(lessons.Where(p => Path.GetRelativePath(root, p).Contains(name, StringComparison.OrdinalIgnoreCase)));
        }
        return chosen.Distinct().ToList();
    }

    static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "shared", "DeepLearningCourse.csproj"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Run this from inside the course repository.");
    }

    sealed record Options(bool Fast, bool Help, bool Results, string? Output, int TimeoutMinutes, IReadOnlyList<string> Names)
    {
        public static Options Parse(string[] args)
        {
            bool fast = false, help = false, results = false;
            string? output = null;
            int timeout = 60;
            var names = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--fast": fast = true; break;
                    case "--results": results = true; break;
                    case "-h" or "--help": help = true; break;
                    case "--output": output = Value(args, ref i); break;
                    case "--timeout":
                        if (!int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out timeout) || timeout < 1)
                            throw new ArgumentException("--timeout needs a whole number of minutes.");
                        break;
                    case var a when a.StartsWith("--"): throw new ArgumentException($"Unknown option {a}.");
                    default: names.Add(args[i]); break;
                }
            }
            return new Options(fast, help, results, output, timeout, names);
        }

        static string Value(string[] args, ref int i) =>
            ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
    }
}

/// <summary>The outcome of one notebook.</summary>
public sealed record NotebookResult(string Name, bool Passed, string? Problem, TimeSpan Duration, TimeSpan? Ready, IReadOnlyList<ExecutedCell> Cells)
{
    public string Summary(string name) =>
        $"{(Passed ? "PASS" : "FAIL")}  {name}  {Duration.TotalSeconds:F1} s" +
        (Ready is { } r ? $" (ready {r.TotalSeconds:F1} s)" : "") +
        (Problem is null ? "" : $"  {Problem}");
}
