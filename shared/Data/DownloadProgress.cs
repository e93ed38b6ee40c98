using System.Diagnostics;
using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Data;

/// <summary>
/// One download's progress as a line that updates in place (notebook or terminal): how much has arrived,
/// of how much, and at what rate. Logs and headless runners get a line when it starts and one when it ends.
/// </summary>
sealed class DownloadProgress
{
    readonly LiveOutput output;
    readonly string name;
    readonly long? total;
    readonly Stopwatch clock = Stopwatch.StartNew();

    public DownloadProgress(TextWriter? log, string name, string url, long? total)
    {
        output = new LiveOutput(log);
        this.name = name;
        this.total = total;
        if (output.Mode == LiveOutput.Kind.Lines)
            output.Writer.WriteLine($"Downloading {name} from {url}{(total is long t ? $" ({Size(t)})" : "")}");
        else
            output.Update(Line(0), now: true);
    }

    /// <summary>Elapsed time since the download started.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Shows that <paramref name="received"/> bytes have arrived (at most twice a second).</summary>
    public void Report(long received) => output.Update(Line(received));

    /// <summary>Ends the line with the outcome, e.g. the checksum that was verified.</summary>
    public void Finish(long received, string outcome) =>
        output.Finish($"{name}: {Size(received)} in {clock.Elapsed.TotalSeconds:0.0} s ({Rate(received)}), {outcome}");

    /// <summary>Ends the line saying the download was abandoned.</summary>
    public void Fail(long received, string reason) =>
        output.Finish($"{name}: stopped after {Size(received)}{Of()}: {reason}");

    string Line(long received) =>
        $"{name}: {Size(received)}{Of()}{(total is long t && t > 0 ? $" ({100.0 * received / t:0}%)" : "")} at {Rate(received)}";

    string Of() => total is long t ? $" of {Size(t)}" : "";

    string Rate(long received) => $"{received / Math.Max(clock.Elapsed.TotalSeconds, 1e-3) / 1e6:0.0} MB/s";

    /// <summary>A byte count as people read it: 528.0 MB, 31.4 kB, 120 bytes.</summary>
    public static string Size(long bytes) =>
        bytes >= 1_000_000 ? $"{bytes / 1e6:N1} MB" : bytes >= 1_000 ? $"{bytes / 1e3:N1} kB" : $"{bytes:N0} bytes";
}
