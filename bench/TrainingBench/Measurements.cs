using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

/// <summary>What every workload of the bench measures: time (wall and CPU), medians, resident memory, and the
/// lines bench/run reads (SPEED and MEMORY).</summary>
static class Measurements
{
    // Wall-clock time, and the CPU time of the whole process (every thread, the garbage collector's included).
    public static Seconds Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        clock.Stop();
        process.Refresh();
        return new(clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // The process's resident set size in bytes: "VmHWM", its peak so far, or "VmRSS", now.
    public static long ResidentBytes(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":"))[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;

    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2 { public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost; }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    static extern MallInfo2 MallInfo();

    /// <summary>
    /// glibc's heaps, every thread's (blocks mapped on their own left out), and how much of them is handed out now; a
    /// heap that grows while what is handed out stays the same is fragmentation, not a leak. Empty off glibc.
    /// </summary>
    static string GlibcHeaps()
    {
        try
        {
            var info = MallInfo();
            return $", glibc heaps {info.Arena / 1e6:F0} MB of which {info.UordBlks / 1e6:F0} MB in use";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return ""; }
    }

    // Lowers the peak (VmHWM) to the resident size now, so that one workload's peaks are not an earlier one's.
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>Timed wall-clock seconds each side runs for at least, when <see cref="MaximumRuns"/> allows.</summary>
    public const double SecondsPerSide = 15;

    /// <summary>The most timed runs a side gets to reach <see cref="SecondsPerSide"/> (odd, so that the median is a run).</summary>
    public const int MaximumRuns = 301;

    /// <summary>
    /// One workload, library against floor. <paramref name="newLibrary"/> makes a fresh library run (its own model);
    /// <paramref name="floor"/> runs the floor once. After a warm-up run (JIT, native code paths, one-off conversions),
    /// memory first, while the process runs nothing else: the peak resident memory after each of 5 library runs.
    /// Then a fresh library, which starts training together with the floor's model, so that both have trained equally
    /// long when timed (how far a model has trained can change its speed: denormal numbers), and the timed runs of
    /// <see cref="Interleaved"/>. <paramref name="per"/> names one run (epoch, step).
    /// </summary>
    public static void Compare(string name, string per, Func<Func<Seconds>> newLibrary, Func<Seconds> floor, int runs, double? target = null)
    {
        var memoryRun = newLibrary();
        memoryRun();
        var (peaks, live) = MemoryRuns($"library {per}", () => memoryRun());

        var library = newLibrary();
        library();
        floor();
        var (libraryTimes, floorTimes) = Interleaved(library, floor, runs);
        ReportSpeed(name, per, libraryTimes, floorTimes, target);
        ReportMemory(name, per, peaks, live);
    }

    /// <summary>
    /// At least <paramref name="runs"/> timed runs of each side, interleaved so that a busy machine slows both alike; more
    /// for short runs, until each side has run <see cref="SecondsPerSide"/> or <see cref="MaximumRuns"/> times, since one
    /// run of a second or less is moved by the machine's noise as much as by the gap measured.
    /// </summary>
    public static (List<Seconds> Library, List<Seconds> Floor) Interleaved(Func<Seconds> library, Func<Seconds> floor, int runs)
    {
        var libraryTimes = new List<Seconds>();
        var floorTimes = new List<Seconds>();
        bool ShortSoFar() => libraryTimes.Sum(t => t.Wall) < SecondsPerSide || floorTimes.Sum(t => t.Wall) < SecondsPerSide;
        for (int run = 1; run <= runs || (run <= MaximumRuns && ShortSoFar()); run++)
        {
            // Odd runs start with the library, even runs with the floor, so that neither always follows the other.
            if (run % 2 == 0) floorTimes.Add(floor());
            libraryTimes.Add(library());
            if (run % 2 == 1) floorTimes.Add(floor());
            Console.WriteLine($"run {run}: library {libraryTimes[^1].Wall:F2} s ({libraryTimes[^1].Cpu:F2} s of CPU), floor {floorTimes[^1].Wall:F2} s ({floorTimes[^1].Cpu:F2} s of CPU)");
        }
        return (libraryTimes, floorTimes);
    }

    /// <summary>
    /// Runs <paramref name="run"/> 5 times, after the caller's warm-up; returns the peak resident memory and the count
    /// of live tensors (every thread's: a prefetching loader makes batches on another) after each run, printing them
    /// with <paramref name="what"/>, the size of .NET's heap (growth there is managed memory, not native), glibc's
    /// heaps and the run's page faults (each a page of memory the kernel had to hand the process, as when freed memory went back).
    /// </summary>
    public static (List<long> Peaks, List<long> Live) MemoryRuns(string what, Action run)
    {
        ResetPeak();
        var peaks = new List<long>();
        var live = new List<long>();
        for (int i = 1; i <= 5; i++)
        {
            var faults = NativeHeap.MinorPageFaults();
            run();
            faults = NativeHeap.MinorPageFaults() - faults;
            peaks.Add(ResidentBytes("VmHWM"));
            live.Add(torch.Tensor.TotalCount);
            Console.WriteLine($"memory, {what} {i}: peak RSS {peaks[^1] / 1e6:F0} MB, RSS now {ResidentBytes("VmRSS") / 1e6:F0} MB, " +
                $"live tensors {live[^1]}, managed heap {GC.GetTotalMemory(false) / 1e6:F0} MB{GlibcHeaps()}, page faults {faults}");
        }
        return (peaks, live);
    }

    /// <summary>
    /// The medians, and the SPEED line bench/run reads. The ratio is the median of each run's own ratio, library run to
    /// the floor run beside it (<see cref="Interleaved"/> makes them in pairs): this machine's speed drifts by 10-30%
    /// within minutes, and a pair shares the drift, where two separate medians need not.
    /// </summary>
    public static void ReportSpeed(string name, string per, IReadOnlyList<Seconds> library, IReadOnlyList<Seconds> floor, double? target = null)
    {
        double libraryWall = Median(library.Select(s => s.Wall)), floorWall = Median(floor.Select(s => s.Wall));
        double libraryCpu = Median(library.Select(s => s.Cpu)), floorCpu = Median(floor.Select(s => s.Cpu));
        double wallRatio = Median(library.Zip(floor, (l, f) => l.Wall / f.Wall)), cpuRatio = Median(library.Zip(floor, (l, f) => l.Cpu / f.Cpu));
        Console.WriteLine($"median {per}: library {libraryWall:F2} s, floor {floorWall:F2} s; library/floor, the median of the {library.Count} runs' ratios: {wallRatio:F2}x{(target is { } t ? $" (target {t:F2}x)" : "")}");
        // On a machine shared with other work, CPU time counts only the time the process actually ran.
        Console.WriteLine($"median CPU time per {per}: library {libraryCpu:F2} s, floor {floorCpu:F2} s; library/floor, the median of the runs' ratios: {cpuRatio:F2}x");
        Console.WriteLine($"SPEED|{name}|{torch.get_num_threads()}|{libraryWall:F3}|{floorWall:F3}|{libraryCpu:F3}|{floorCpu:F3}|{wallRatio:F3}|{cpuRatio:F3}");
    }

    /// <summary>
    /// The memory check and the MEMORY line bench/run reads: growth of the peak from run 2 to 5 under 5%. Resident
    /// memory also moves with the native allocator's caching; the count of live tensors says whether the loop itself
    /// keeps anything from one run to the next.
    /// </summary>
    public static void ReportMemory(string name, string per, IReadOnlyList<long> peaks, IReadOnlyList<long> live)
    {
        var growth = (double)(peaks[4] - peaks[1]) / peaks[1];
        var liveFlat = live.Skip(1).Distinct().Count() == 1;
        var check = growth < 0.05 ? "flat" : liveFlat ? $"GROWS (live tensors constant at {live[^1]}: the loop keeps no tensor; the growth is an allocator's or managed memory)" : "GROWS (live tensors grow too)";
        Console.WriteLine($"MEMORY|{name}|{per}|{string.Join(" ", peaks.Select(p => $"{p / 1e6:F0}"))}|{100 * growth:F1}|{check}");
    }
}

readonly record struct Seconds(double Wall, double Cpu);
