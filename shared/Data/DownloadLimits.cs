namespace DeepLearningCourse.Data;

/// <summary>
/// How long a download may take before it is given up: a host that does not accept a connection within
/// <see cref="ConnectTimeout"/> counts as unreachable for the rest of the run; a server silent for
/// <see cref="IdleTimeout"/>, slower than <see cref="MinimumBytesPerSecond"/> over any
/// <see cref="RateWindow"/>, or not done within <see cref="Deadline"/> is abandoned. A server that sends
/// a byte every few seconds would otherwise keep a lesson waiting for ever.
/// </summary>
public sealed record DownloadLimits(TimeSpan ConnectTimeout, TimeSpan IdleTimeout, TimeSpan Deadline, long MinimumBytesPerSecond, TimeSpan RateWindow)
{
    /// <summary>
    /// The library's limits: 5 s to connect (offline runs fall back quickly), 30 s of silence, 16 KB/s over
    /// each minute, and two hours in all (VGG19's 548 MB at the minimum rate would take ten).
    /// </summary>
    public static readonly DownloadLimits Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromHours(2), 16_000, TimeSpan.FromMinutes(1));
}
