using System.Diagnostics;
using DeepLearningCourse.Models;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// Gets the offline backbone's ONNX files the way CI and learners do, by running
/// tools/fetch-weights for it once per test run (a no-op when they are already in place).
/// </summary>
static class OfflineWeights
{
    static readonly Lazy<string> folder = new(Fetch, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The data cache's weights folder, with both ONNX files verified.</summary>
    public static string Folder => folder.Value;

    static string Fetch()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryFolder.Root, "tools", "fetch-weights"), Backbone.OfflineName])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[Course.DataVariable] = Course.DataRoot;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tools/fetch-weights failed ({process.ExitCode}): {output.Result}{errors}");
        return WeightFiles.Folder;
    }
}
