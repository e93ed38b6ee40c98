namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// How the course writes every file other code may read (datasets, weights, checkpoints, the relaxed
/// native library): under a temporary name unique to this writer, renamed into place only once complete,
/// and the temporary file removed if anything fails. Readers, concurrent kernels included, never see half a file.
/// </summary>
static class AtomicFile
{
    /// <summary>Lets <paramref name="write"/> fill the temporary path it is given, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var temporary = TemporaryName(path);
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>As <see cref="Write"/>, for a writer that awaits (a download).</summary>
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        var temporary = TemporaryName(path);
        try
        {
            await write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    static string TemporaryName(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
}
