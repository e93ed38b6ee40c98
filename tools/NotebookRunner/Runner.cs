using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using DeepLearningCourse.Infrastructure;

namespace NotebookRunner;

/// <summary>
/// Runs notebooks one by one, each with its own folder as working directory (as VS Code does) and
/// without the outputs it was stored with (as a learner opens it), writes each executed copy,
/// cleaned of kernel noise, with its own TRX file under the output folder, prints one line per
/// notebook and returns non-zero if any cell failed or a kernel crashed. With --record, a lesson
/// that passed gets its new outputs written back into it.
/// </summary>
public static class Runner
{
    const string Usage = """
        Usage: run-course [--fast] [--record | --seed N] [--output DIR] [--timeout MINUTES] [NOTEBOOK ...]
               run-course --results [--output DIR]        (collect full-mode results into RESULTS.md)
               run-course --check-outputs [NOTEBOOK ...]  (are the lessons' recorded outputs current?)
               run-course --make-exercises [NOTEBOOK ...] (write each lesson's exercises notebook beside it)
               run-course --cell-ids [NOTEBOOK ...]       (give every cell without an id one, derived from the notebook)
          NOTEBOOK         a path, or part of a notebook's path or name ("Part 1", "Section3"); default: every lesson
          --fast           CI's fast mode (COURSE_MODE=fast): less data, and cells marked course.fast get their smaller settings
                           (the course library runs them after the cell, as in VS Code)
          --record         write each passing notebook's outputs back into the lesson file
          --seed N         reseed torch with N right after the lesson seeds it (executed copies in full-seedN/ or
                           fast-seedN/, never recorded, not read by --results): bench/run's C# runs over several seeds
          --output         where executed notebooks go, in full/ or fast/, each with its .trx (default: artifacts/notebooks)
          --timeout        minutes one notebook may run before it is stopped (default: 180 in full mode, where
                           Section 4's lesson trains for over an hour on 2 cores; 60 in fast mode)
          --results        write RESULTS.md from the executed full-mode notebooks instead of running any
          --check-outputs  fail if a lesson has no outputs from a full run, or its code changed since
          --make-exercises write "<lesson> (Exercises).ipynb" beside each lesson that marks exercises
          --cell-ids       give each cell that lacks a valid, unique id one (cell-NN, stable across runs); rewrites
                           only notebooks that change, and never a code cell's source, so recorded outputs stay current
        Exercises notebooks run twice, as given and with the solutions put back; without NOTEBOOK
        they run in fast mode only.
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
        var output = Path.GetFullPath(options.Output ?? Path.Combine(root, "artifacts", "notebooks"));
        if (options.Results)
        {
            try
            {
                return Results.Write(Path.Combine(output, ModeName(fast: false)), Path.Combine(root, "RESULTS.md"), log,
                    Path.Combine(root, "artifacts", "bench", "parity.tsv"));
            }
            catch (InvalidDataException e)
            {
                log.WriteLine(e.Message);
                return 65;
            }
        }

        var notebooks = Select(root, options.Names);
        if (notebooks.Count == 0)
        {
            log.WriteLine(options.Names.Count == 0 ? "No lesson notebooks under Section*/." : $"No notebook matches {string.Join(", ", options.Names)}.");
            return 66;
        }
        if (options.CheckOutputs)
            return RecordedOutputs.CheckAll(root, notebooks, log);
        if (options.MakeExercises)
            return MakeExercises(root, notebooks, log);
        if (options.CellIds)
        {
            var rewritten = NotebookRunner.CellIds.AssignAll(notebooks);
            foreach (var path in rewritten) log.WriteLine($"gave cell ids to {Path.GetRelativePath(root, path)}");
            log.WriteLine($"{notebooks.Count - rewritten.Count} of {notebooks.Count} notebook(s) already had an id on every cell");
            return 0;
        }
        // Exercises notebooks are never recorded into, and a full run of the course trains each lesson once.
        if (options.Record || (!options.Fast && options.Names.Count == 0))
            notebooks = notebooks.Where(n => !ExercisesNotebook.IsExercises(n)).ToList();

        var mode = ModeName(options.Fast);
        var modeOutput = Path.Combine(output, options.Seed is { } s ? $"{mode}-seed{s}" : mode);
        log.WriteLine($"Running {notebooks.Count} notebook(s) in {mode} mode; executed copies in {Path.GetRelativePath(root, modeOutput)}"
            + (options.Record ? "; passing ones are recorded into the lesson files" : ""));

        var cleaner = OutputCleaner.ForThisMachine(root);
        var failed = 0;
        foreach (var notebook in notebooks)
        {
            var relative = Path.GetRelativePath(root, notebook);
            var executed = Path.Combine(modeOutput, relative.StartsWith("..") ? Path.GetFileName(notebook) : relative);
            NotebookResult result;
            try
            {
                result = ExercisesNotebook.IsExercises(notebook)
                    ? ExecuteExercises(notebook, executed, options, cleaner) with { Name = relative }
                    : Execute(notebook, executed, options, cleaner) with { Name = relative };
            }
            catch (InvalidDataException e)
            {
                log.WriteLine($"FAIL  {relative}  {e.Message}");
                failed++;
                continue;
            }
            Trx.Write(Path.ChangeExtension(executed, ".trx"), [result]);
            log.WriteLine(result.Summary(relative));
            // The lesson's own result line, so the number shows without opening the executed notebook
            if (!ExercisesNotebook.IsExercises(notebook) && File.Exists(executed))
                foreach (var line in Results.ResultLines(NotebookJson.Load(executed))) log.WriteLine($"      {line}");
            if (!result.Passed) failed++;
            else if (options.Record) Record(notebook, executed, mode, log);
        }

        log.WriteLine($"{notebooks.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    static string ModeName(bool fast) => fast ? "fast" : "full";

    static void Record(string lesson, string executed, string mode, TextWriter log)
    {
        try
        {
            RecordedOutputs.Record(lesson, NotebookJson.Load(executed), mode, DateTimeOffset.UtcNow);
        }
        catch (InvalidDataException e)
        {
            log.WriteLine($"      not recorded: {e.Message}");
            return;
        }
        var size = new FileInfo(lesson).Length;
        log.WriteLine($"      recorded into the lesson ({size / 1e3:F0} kB)" +
            (size > RecordedOutputs.MaxBytes ? $"; over the {RecordedOutputs.MaxBytes / 1e6:F0} MB limit, so tools/test will reject it" : ""));
    }

    static int MakeExercises(string root, IReadOnlyList<string> notebooks, TextWriter log)
    {
        try
        {
            var written = ExercisesNotebook.WriteAll(notebooks);
            foreach (var path in written) log.WriteLine($"wrote {Path.GetRelativePath(root, path)}");
            log.WriteLine($"{written.Count} exercises notebook(s) current");
            return 0;
        }
        catch (InvalidDataException e)
        {
            log.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>
    /// Runs an exercises notebook twice: as given, where every check must say "not done yet", and with
    /// the lesson's solutions in place of the stubs, where every check must pass. Neither may fail a cell.
    /// </summary>
    static NotebookResult ExecuteExercises(string notebook, string executed, Options options, OutputCleaner cleaner)
    {
        var lesson = ExercisesNotebook.LessonFor(notebook);
        var solved = ExercisesNotebook.Build(NotebookJson.Load(lesson), Path.GetFileName(lesson), solved: true);
        var asGiven = Execute(notebook, executed, options, cleaner);
        var withSolutions = Execute(notebook, Path.ChangeExtension(executed, null) + " - solved.ipynb", options, cleaner, solved);
        return ExerciseRuns.Combine(asGiven, withSolutions);
    }

    static NotebookResult Execute(string notebook, string executed, Options options, OutputCleaner cleaner, JsonObject? replacement = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        File.Delete(executed);

        // The kernel runs a copy without the stored outputs, so outputs recorded in the lesson can
        // neither mask a failure nor pass for new ones. Imports resolve against the working
        // directory, the lesson's own folder, so the copy can live anywhere.
        var input = Directory.CreateTempSubdirectory("course-run-");
        var fresh = Path.Combine(input.FullName, Path.GetFileName(notebook));
        var source = replacement ?? NotebookJson.Load(notebook);
        if (options.Seed is { } seed) source = SeedSetting.Inject(source, seed);
        source = RecordedOutputs.WithoutOutputs(source);
        CellIds.Assign(source);
        NotebookJson.Save(source, fresh);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "repl", "--run", fresh, "--exit-after-run", "--output-path", executed })
            start.ArgumentList.Add(a);
        start.Environment["COURSE_MODE"] = ModeName(options.Fast);

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        bool finished;
        int exitCode;
        string stderr, stdout;
        try
        {
            using var process = Process.Start(start)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            finished = process.WaitForExit(TimeSpan.FromMinutes(options.TimeoutMinutes));
            if (!finished) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            (exitCode, stderr, stdout) = (process.ExitCode, stderrTask.Result, stdoutTask.Result);
        }
        finally
        {
            input.Delete(recursive: true);
        }
        clock.Stop();

        IReadOnlyList<ExecutedCell> cells = [];
        if (File.Exists(executed))
        {
            var notebookRan = NotebookJson.Load(executed);
            // dotnet-repl writes no cell ids; the executed copy gets those of the notebook it ran
            CellIds.CopyOnto(source, notebookRan);
            cleaner.Clean(notebookRan);
            cells = ExecutedNotebook.Read(notebookRan);
            Stamp(notebookRan, ModeName(options.Fast), options.Seed, startedAt, clock.Elapsed, ExecutedNotebook.ReadyTime(cells));
            NotebookJson.Save(notebookRan, executed);
        }
        var problem = !finished ? $"stopped after {options.TimeoutMinutes} min"
            : !File.Exists(executed) ? $"kernel crashed (exit code {exitCode}, no notebook written){Tail(stderr + stdout)}"
            : cells.FirstOrDefault(c => c.Error is not null) is { } bad ? $"cell {bad.Number}: {bad.Error}"
            : exitCode != 0 ? $"dotnet-repl exit code {exitCode}{Tail(stderr)}"
            : null;
        return new NotebookResult(notebook, problem is null, problem, clock.Elapsed, ExecutedNotebook.ReadyTime(cells), cells)
        {
            Verdicts = File.Exists(executed) ? ExerciseRuns.Verdicts(NotebookJson.Load(executed)) : [],
        };
    }

    /// <summary>Notes in the executed copy how it ran, so tools/results can report the runner's own wall time.</summary>
    static void Stamp(JsonObject executed, string mode, long? seed, DateTimeOffset started, TimeSpan wall, TimeSpan? ready)
    {
        var metadata = executed["metadata"] as JsonObject ?? new JsonObject();
        executed["metadata"] = metadata;
        var course = metadata["course"] as JsonObject ?? new JsonObject();
        metadata["course"] = course;
        course["run"] = new JsonObject
        {
            ["mode"] = mode,
            ["seed"] = seed,
            ["started"] = started.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 1),
            ["ready_seconds"] = ready is { } r ? Math.Round(r.TotalSeconds, 1) : null,
        };
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

    static string RepositoryRoot() =>
        Repository.Find(Environment.CurrentDirectory, AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException("Run this from inside the course repository.");

    /// <summary>What run-course was asked to do, read from its command line.</summary>
    public sealed record Options(bool Fast, bool Help, bool Results, bool Record, bool CheckOutputs, bool MakeExercises, string? Output, int TimeoutMinutes, long? Seed, IReadOnlyList<string> Names)
    {
        /// <summary>Give cells without an id one, and run nothing (--cell-ids).</summary>
        public bool CellIds { get; init; }

        public static Options Parse(string[] args)
        {
            bool fast = false, help = false, results = false, record = false, checkOutputs = false, makeExercises = false, cellIds = false;
            string? output = null;
            int? timeout = null;
            long? seed = null;
            var names = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--fast": fast = true; break;
                    case "--results": results = true; break;
                    case "--record": record = true; break;
                    case "--check-outputs": checkOutputs = true; break;
                    case "--make-exercises": makeExercises = true; break;
                    case "--cell-ids": cellIds = true; break;
                    case "-h" or "--help": help = true; break;
                    case "--output": output = Value(args, ref i); break;
                    case "--timeout":
                        if (!int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes < 1)
                            throw new ArgumentException("--timeout needs a whole number of minutes.");
                        timeout = minutes;
                        break;
                    case "--seed":
                        if (!long.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                            throw new ArgumentException("--seed needs a whole number.");
                        seed = s;
                        break;
                    case var a when a.StartsWith("--"): throw new ArgumentException($"Unknown option {a}.");
                    default: names.Add(args[i]); break;
                }
            }
            if (new[] { results, record, checkOutputs, makeExercises, cellIds }.Count(x => x) > 1)
                throw new ArgumentException("Choose one of --results, --record, --check-outputs, --make-exercises and --cell-ids.");
            if (seed is not null && (results || record || checkOutputs || makeExercises || cellIds))
                throw new ArgumentException("--seed only runs notebooks: a lesson is recorded, and RESULTS.md written, from its own seed.");
            // A full run of the course's longest lesson (Section 4: 69 to 90 min on this project's 2-core machine) must not be
            // stopped as hung; in fast mode every notebook takes minutes.
            return new Options(fast, help, results, record, checkOutputs, makeExercises, output, timeout ?? (fast ? 60 : 180), seed, names) { CellIds = cellIds };
        }

        static string Value(string[] args, ref int i) =>
            ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
    }
}

/// <summary>The outcome of one notebook.</summary>
public sealed record NotebookResult(string Name, bool Passed, string? Problem, TimeSpan Duration, TimeSpan? Ready, IReadOnlyList<ExecutedCell> Cells)
{
    /// <summary>The verdicts the notebook's check cells printed, in order (exercises notebooks only).</summary>
    public IReadOnlyList<string> Verdicts { get; init; } = [];

    /// <summary>For an exercises notebook: how its two runs ended ("as given: 3 not done; solved: 3 passed").</summary>
    public string? Exercises { get; init; }

    public string Summary(string name) =>
        $"{(Passed ? "PASS" : "FAIL")}  {name}  {Duration.TotalSeconds:F1} s" +
        (Ready is { } r ? $" (ready {r.TotalSeconds:F1} s)" : "") +
        (Exercises is null ? "" : $"  {Exercises}") +
        (Problem is null ? "" : $"  {Problem}");
}
