namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// How the course writes every file other code may read (datasets, weights, checkpoints, the relaxed
/// native library): under a temporary name unique to this writer, renamed into place only once complete,
/// and the temporary file removed if anything fails. Readers, concurrent kernels included, never see half a file.
/// A process killed mid-write cannot remove its temporary file; the next write of the same target does.
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

    static string TemporaryName(string path)
    {
        RemoveStalePartials(path);
        return $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
    }

    /// <summary>
    /// Deletes temporary files of <paramref name="path"/> left by writers that no longer run. A writer's
    /// process id is in the name, so a concurrent writer's file (a live process) is never touched.
    /// </summary>
    static void RemoveStalePartials(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) return;
        var prefix = Path.GetFileName(path) + ".";
        foreach (var partial in Directory.EnumerateFiles(folder, prefix + "*.partial"))
        {
            var fields = Path.GetFileName(partial)[prefix.Length..].Split('.');
            if (fields.Length != 3 || !int.TryParse(fields[0], out var writer) || IsRunning(writer)) continue;
            try { File.Delete(partial); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another cleaner got there first, or it is not ours to delete
        }
    }

    static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
