using System.Collections.Concurrent;
using DeepLearningCourse.Infrastructure;

namespace DeepLearningCourse.Data;

/// <summary>
/// Puts the canonical version of a dataset into the cache whenever it can be had: when its folder is missing,
/// holds a stand-in, or lacks files. The dataset is downloaded and checked in a temporary folder beside its
/// own, marked (<c>SOURCE.txt</c>) and sealed (<c>SHA256SUMS</c>), and only then renamed into place, so a
/// reader never sees half a dataset, a stand-in stays until the real data has replaced it, and a failed
/// download leaves nothing behind. Two processes installing the same dataset at once both end with it,
/// in one copy: the second to finish finds the first one's folder and drops its own.
/// </summary>
static class DatasetInstaller
{
    /// <summary>What a dataset folder held before an install.</summary>
    enum Found { Nothing, StandIn, Incomplete, Complete }

    // One attempt per dataset folder and process: building the test split after the training split does not try again.
    static readonly ConcurrentDictionary<string, Exception> failed = new();

    /// <summary>
    /// Makes <paramref name="folder"/> hold the canonical dataset if it can be had. <paramref name="isComplete"/>
    /// says whether a folder has every file the dataset needs; <paramref name="fill"/> downloads and checks the
    /// dataset into the empty folder it is given and returns the description <c>SOURCE.txt</c> records.
    /// When the canonical data cannot be had, a stand-in already in place is kept (and <paramref name="log"/> says
    /// why); with nothing usable in place, the download's exception is thrown. A folder that lacked files is
    /// moved aside to <c>&lt;folder&gt;.incomplete</c> once the complete dataset has arrived, never deleted.
    /// </summary>
    public static void EnsureCanonical(string folder, string dataset, Func<string, bool> isComplete, Func<string, string> fill, TextWriter? log = null)
    {
        var found = Inspect(folder, isComplete);
        if (found == Found.Complete) return;
        var key = Path.GetFullPath(folder);
        if (failed.TryGetValue(key, out var earlier))
        {
            if (found == Found.StandIn) return;
            throw earlier;
        }

        var stage = AtomicFile.NewTemporaryFolder(folder);
        try
        {
            var description = fill(stage);
            DatasetSource.Write(stage, isStandIn: false, description);
            CachedFiles.Seal(stage);
            Place(stage, folder, dataset, isComplete, log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failed.TryAdd(key, e);
            if (found != Found.StandIn) throw;
            (log ?? Console.Out).WriteLine($"{dataset}: the real dataset could not be had, so the offline stand-in in {folder} is used. {Reason(e)}");
        }
        finally
        {
            AtomicFile.DeleteFolder(stage);
        }
    }

    /// <summary>
    /// Where a folder that lacked files is moved: <c>&lt;folder&gt;.incomplete</c>, or with <c>-2</c>, <c>-3</c>, …
    /// appended when an earlier one is still there (it may hold downloads of its own).
    /// </summary>
    public static string IncompletePath(string folder)
    {
        var path = folder + ".incomplete";
        for (int n = 2; Directory.Exists(path) || File.Exists(path); n++) path = $"{folder}.incomplete-{n}";
        return path;
    }

    static Found Inspect(string folder, Func<string, bool> isComplete)
    {
        if (!Directory.Exists(folder)) return Found.Nothing;
        if (File.Exists(Path.Combine(folder, DatasetSource.FileName)) && DatasetSource.Read(folder).IsStandIn) return Found.StandIn;
        return isComplete(folder) ? Found.Complete : Found.Incomplete;
    }

    /// <summary>Renames the finished <paramref name="stage"/> to <paramref name="folder"/>, first moving away whatever it replaces.</summary>
    static void Place(string stage, string folder, string dataset, Func<string, bool> isComplete, TextWriter? log)
    {
        // Another process may put a folder there between any two steps; each pass looks again.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var found = Inspect(folder, isComplete);
            if (found == Found.Complete) return;   // installed meanwhile by someone else: ours is dropped
            string? replaced = null;
            if (found == Found.StandIn)
            {
                replaced = AtomicFile.TemporaryPath(folder);
                if (!TryMove(folder, replaced)) continue;
            }
            else if (found == Found.Incomplete)
            {
                var aside = IncompletePath(folder);
                if (!TryMove(folder, aside)) continue;
                (log ?? Console.Out).WriteLine($"{dataset}: {folder} lacked files; it was moved to {aside} and the complete dataset put in its place.");
            }
            if (TryMove(stage, folder))
            {
                if (replaced is not null) AtomicFile.DeleteFolder(replaced);
                return;
            }
            if (replaced is not null && !TryMove(replaced, folder)) AtomicFile.DeleteFolder(replaced);
        }
        throw new IOException($"Could not put {dataset} into {folder}: other processes kept changing that folder.");
    }

    static bool TryMove(string from, string to)
    {
        try
        {
            Directory.Move(from, to);
            return true;
        }
        catch (IOException) when (Directory.Exists(to) || !Directory.Exists(from))
        {
            return false;
        }
    }

    static string Reason(Exception e) => e is DatasetUnavailableException unavailable
        ? $"Downloading it failed: {unavailable.Reason}. With a network, run `{DatasetUnavailableException.OfflineCommand}` from the repository root to get it."
        : $"{e.Message}";
}
