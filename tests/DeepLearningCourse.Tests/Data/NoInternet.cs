using System.Runtime.CompilerServices;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tests.Data;

/// <summary>
/// Unit tests never reach the internet, whatever machine runs them: before any test, every canonical address
/// is redirected to a loopback port nothing listens on (the processes the tests start inherit it), so the
/// library and tools/fetch-data behave exactly as offline. Tests that download serve their own files.
/// </summary>
static class NoInternet
{
    /// <summary>The base URL every canonical address resolves to: port 9 (discard) on loopback, where nothing listens.</summary>
    public const string DeadMirror = "http://127.0.0.1:9/";

    [ModuleInitializer]
    internal static void RedirectDownloads()
    {
        Environment.SetEnvironmentVariable(DownloadMirror.Variable, DeadMirror);
        Environment.SetEnvironmentVariable(DownloadMirror.PinsVariable, null);
    }
}
