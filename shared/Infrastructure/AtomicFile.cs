namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// How the course writes every file other code may read (datasets, weights, checkpoints, the relaxed
/// native library): under a temporary name unique to this writer, renamed into place only once complete,
/// and the temporary file removed if anything fails. Whole dataset folders are built the same way. Readers, concurrent kernels included, never see half a file.
/// A process killed mid-write cannot remove its temporary file; the next write of the same target does.
/// </summary>
static class AtomicFile
{
    /// <summary>Lets <paramref name="write"/> fill the temporary path it is given, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var temporary = TemporaryPath(path);
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
        var temporary = TemporaryPath(path);
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

    /// <summary>
    /// Creates an empty folder beside <paramref name="path"/> that only this writer uses, for a whole dataset to
    /// be built in before it is renamed into place; the caller deletes it when done. Like a temporary file, it is
    /// removed by the next writer of the same path if its process was killed.
    /// </summary>
    public static string NewTemporaryFolder(string path)
    {
        var folder = TemporaryPath(path);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Deletes a folder made by <see cref="NewTemporaryFolder"/> if it still exists.</summary>
    public static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>A name beside <paramref name="path"/> that only this writer uses (nothing is created there).</summary>
    public static string TemporaryPath(string path)
    {
        RemoveStalePartials(path);
        return $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
    }

    /// <summary>
    /// Deletes temporary files and folders of <paramref name="path"/> left by writers that no longer run. A
    /// writer's process id is in the name, so a concurrent writer's file (a live process) is never touched.
    /// </summary>
    static void RemoveStalePartials(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) return;
        var prefix = Path.GetFileName(path) + ".";
        foreach (var partial in Directory.EnumerateFileSystemEntries(folder, prefix + "*.partial"))
        {
            var fields = Path.GetFileName(partial)[prefix.Length..].Split('.');
            if (fields.Length != 3 || !int.TryParse(fields[0], out var writer) || IsRunning(writer)) continue;
            try
            {
                if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
                else File.Delete(partial);
            }
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
