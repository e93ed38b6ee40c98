using System.IO.Compression;

namespace DeepLearningCourse.Data;

/// <summary>
/// Installs one of the course's photo zips (Cat/Dog, flowers), whose checksums nobody publishes, by checking
/// everything it holds before a byte is unpacked: the course's layout (<c>train|test/&lt;class&gt;/&lt;photo&gt;</c>,
/// optionally under one top folder named like the dataset) with exactly the expected classes, image files
/// only, no link and no path that leaves the folder, photo counts within the dataset's bounds, and a bounded
/// unpacked size (declared and actual). The archive's SHA-256 is printed and recorded in <c>SOURCE.txt</c>,
/// and the unpacked folder is sealed like every installed dataset, so later runs check it as a pinned file.
/// </summary>
static class PhotoArchives
{
    const string Ignored = "__MACOSX";

    /// <summary>Downloads <paramref name="spec"/>'s archive into <paramref name="stage"/>, checks it, unpacks it there and deletes it; returns the description <c>SOURCE.txt</c> records.</summary>
    public static string Install(DatasetCatalog.PhotoArchive spec, string stage, Downloader downloader)
    {
        var archive = downloader.Fetch(spec.Archive, stage, spec.Name);
        int train, test;
        try
        {
            using var zip = ZipFile.OpenRead(archive.Path);
            var plan = Plan(spec, zip, archive);
            downloader.RequireFreeSpace(stage, plan.Sum(p => p.Entry.Length), $"unpacking {spec.Name}");
            foreach (var (entry, relative) in plan) Extract(entry, stage, relative, archive);
            train = plan.Count(p => p.Relative.StartsWith("train/", StringComparison.Ordinal));
            test = plan.Count - train;
        }
        catch (InvalidDataException e)
        {
            throw Refused(archive, $"it is not a readable zip archive ({e.Message})");
        }
        finally
        {
            File.Delete(archive.Path);
        }
        downloader.Log.WriteLine($"{spec.Name}: archive SHA-256 {archive.Sha256} (no checksum is published; its structure was checked). " +
            "It is recorded in SOURCE.txt, and every photo's checksum in SHA256SUMS, checked on every later run.");
        return $"{spec.Description}, {train:N0} train / {test:N0} test photos from {archive.Url}, downloaded{DatasetCache.From(downloader)}; " +
            $"no checksum is published, so its structure was checked; archive SHA-256 {archive.Sha256}";
    }

    /// <summary>Every photo to unpack and its path inside the dataset folder; anything else in the archive refuses it.</summary>
    static List<(ZipArchiveEntry Entry, string Relative)> Plan(DatasetCatalog.PhotoArchive spec, ZipArchive zip, Downloaded archive)
    {
        var plan = new List<(ZipArchiveEntry, string)>();
        var counts = new Dictionary<(string Split, string Class), int>();
        bool? underTopFolder = null;
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            var parts = name.TrimEnd('/').Split('/');
            if (name.Contains('\\') || name.StartsWith('/') || parts.Any(p => p is "" or "." or ".." || p.Contains(':')))
                throw Refused(archive, $"it holds the path '{name}', which would leave the dataset folder");
            if ((entry.ExternalAttributes >> 16 & 0xF000) == 0xA000)
                throw Refused(archive, $"it holds a symbolic link, '{name}'");
            // Finder's metadata and hidden files are left out, as the image folders ignore them.
            if (parts.Any(p => p == Ignored || p.StartsWith('.'))) continue;

            // Either every entry sits under one top folder named like the dataset, or none does.
            underTopFolder ??= parts[0] == spec.Folder;
            if (underTopFolder.Value)
            {
                if (parts[0] != spec.Folder) throw Refused(archive, $"it holds '{name}', outside its top folder {spec.Folder}/");
                parts = parts[1..];
            }
            var directory = name.EndsWith('/');
            if (parts.Length == 0 || directory && parts.Length <= 2 && IsLayoutFolder(spec, parts)) continue;
            // A licence or read-me beside train/ and test/ is not unpacked.
            if (!directory && parts.Length == 1 && Path.GetExtension(parts[0]).Equals(".txt", StringComparison.OrdinalIgnoreCase)) continue;
            if (directory || parts.Length != 3 || !IsLayoutFolder(spec, parts[..2]))
                throw Refused(archive, $"it holds '{name}', which is not in the layout train|test/<{string.Join("|", spec.Classes)}>/<photo>");
            if (!ImageFolder.Extensions.Contains(Path.GetExtension(parts[2])))
                throw Refused(archive, $"it holds '{name}', which is not an image file");
            total += entry.Length;
            if (entry.Length < 0 || total > spec.MaxBytes)
                throw Refused(archive, $"its photos would take more than {DownloadProgress.Size(spec.MaxBytes)} unpacked, far more than {spec.Name} holds");
            counts[(parts[0], parts[1])] = counts.GetValueOrDefault((parts[0], parts[1])) + 1;
            plan.Add((entry, string.Join('/', parts)));
        }
        foreach (var (split, bounds) in new[] { ("train", spec.TrainPhotos), ("test", spec.TestPhotos) })
        {
            var found = counts.Where(c => c.Key.Split == split).Sum(c => c.Value);
            if (found < bounds.Min || found > bounds.Max)
                throw Refused(archive, $"it holds {found:N0} {split} photos; {spec.Name} has between {bounds.Min:N0} and {bounds.Max:N0}");
            var empty = spec.Classes.FirstOrDefault(c => !counts.ContainsKey((split, c)));
            if (empty is not null)
                throw Refused(archive, $"it holds no {split} photo of the class '{empty}'");
        }
        return plan;
    }

    static bool IsLayoutFolder(DatasetCatalog.PhotoArchive spec, string[] parts) =>
        parts[0] is "train" or "test" && (parts.Length == 1 || spec.Classes.Contains(parts[1]));

    /// <summary>Unpacks one photo, refusing it if it holds more bytes than the archive declared (a zip bomb's trick).</summary>
    static void Extract(ZipArchiveEntry entry, string stage, string relative, Downloaded archive)
    {
        var target = Path.GetFullPath(Path.Combine(stage, relative));
        if (!target.StartsWith(Path.GetFullPath(stage) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Refused(archive, $"'{entry.FullName}' would be unpacked outside the dataset folder");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var input = entry.Open();
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[1 << 16];
        long written = 0;
        for (int read; (read = input.Read(buffer)) > 0;)
        {
            written += read;
            if (written > entry.Length)
                throw Refused(archive, $"'{entry.FullName}' unpacks to more than the {entry.Length:N0} bytes the archive declares");
            output.Write(buffer, 0, read);
        }
        if (written != entry.Length)
            throw Refused(archive, $"'{entry.FullName}' unpacks to {written:N0} bytes, not the {entry.Length:N0} the archive declares");
    }

    static DataFormatException Refused(Downloaded archive, string problem) =>
        new(archive.Path, $"the archive from {archive.Url} was refused: {problem}. Nothing was kept");
}
