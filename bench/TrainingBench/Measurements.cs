using System.Diagnostics;

/// <summary>What every workload of the bench measures: time (wall and CPU), medians, resident memory.</summary>
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
}

readonly record struct Seconds(double Wall, double Cpu);
