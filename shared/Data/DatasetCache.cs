using System.Formats.Tar;
using System.IO.Compression;
using DeepLearningCourse.Infrastructure;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

namespace DeepLearningCourse.Data;

/// <summary>
/// Where <see cref="Datasets"/> gets its data: each dataset's folder under the data root holds the canonical
/// files (downloaded, checked and moved into place on first use, replacing a stand-in) or a labelled stand-in,
/// and every read checks checksums, record counts and labels first. torchvision keeps this policy beside its
/// datasets in the same way; the factories there stay a plain list.
/// </summary>
internal static class DatasetCache
{
    internal static InMemoryImageDataset LoadIdx(DatasetCatalog.IdxDataset spec, bool train, torchvision.ITransform? transform, string? root, bool fast, Downloader? downloader = null)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, spec.Folder);
        var (imagesFile, labelsFile) = train ? (spec.TrainImages, spec.TrainLabels) : (spec.TestImages, spec.TestLabels);
        // A dataset is present only when both splits are: downloading one split alone would leave a
        // folder that looks complete (to tools/fetch-data too) and fails offline for the other split.
        var all = spec.Files(trainFirst: train);
        EnsureIdx(spec, folder, all, downloader ?? Downloader.Shared);
        VerifyCached(folder, all);
        var marker = DatasetSource.Read(folder);
        var (images, labels) = ReadIdxPair(spec, folder, imagesFile, labelsFile, marker.IsStandIn ? null : train ? spec.TrainCount : spec.TestCount);

        var keep = FastMode.Select(images.Count, train, fast);
        var description = marker.Used(spec.Name).Describe(spec.Name, train ? "train" : "test", keep.Length, FastMode.Describe(keep.Length, images.Count));
        return new InMemoryImageDataset(images.Values, labels.Values, 1, images.Dimensions[1], images.Dimensions[2], spec.Classes, description, transform, keep);
    }

    static void EnsureIdx(DatasetCatalog.IdxDataset spec, string folder, IReadOnlyList<RemoteFile> all, Downloader source) =>
        DatasetInstaller.EnsureCanonical(folder, spec.Name, f => all.All(file => Locate(f, file) is not null), stage =>
        {
            foreach (var file in all) source.Fetch(file, stage, spec.Name);
            ReadIdxPair(spec, stage, spec.TrainImages, spec.TrainLabels, spec.TrainCount);
            ReadIdxPair(spec, stage, spec.TestImages, spec.TestLabels, spec.TestCount);
            return $"{spec.Description}, downloaded{From(source)} and {Verified(source)}; {spec.TrainCount:N0} train / {spec.TestCount:N0} test images";
        }, source.Log);

    /// <summary>Reads and checks one split's images and labels; <paramref name="count"/>, when given, is the number of images the split must hold.</summary>
    static (IdxFile.Array Images, IdxFile.Array Labels) ReadIdxPair(DatasetCatalog.IdxDataset spec, string folder, RemoteFile imagesFile, RemoteFile labelsFile, int? count)
    {
        var imagesPath = Locate(folder, imagesFile)!;
        var labelsPath = Locate(folder, labelsFile)!;
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new DataFormatException(imagesPath, $"expected images of rank 3 (count, rows, columns), found rank {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1)
            throw new DataFormatException(labelsPath, $"expected labels of rank 1, found rank {labels.Dimensions.Length}");
        if (images.Count != labels.Count)
            throw new DataFormatException(labelsPath, $"{labels.Count:N0} labels for the {images.Count:N0} images in {Path.GetFileName(imagesPath)}");
        if (count is int expected && images.Count != expected)
            throw new DataFormatException(imagesPath, $"holds {images.Count:N0} images, but this split of {spec.Name} has {expected:N0}: the file is cut short or not {spec.Name}'s. {Refetch(folder)}");
        CheckLabels(labelsPath, labels.Values, spec.Classes.Count);
        return (images, labels);
    }

    internal static InMemoryImageDataset LoadCifar10(DatasetCatalog.Cifar10Dataset spec, bool train, torchvision.ITransform? transform, string? root, bool fast, Downloader? downloader = null)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, spec.Folder);
        EnsureCifar10(spec, folder, downloader ?? Downloader.Shared);

        CachedFiles.VerifySealed(folder);
        var marker = DatasetSource.Read(folder);
        var files = train ? DatasetCatalog.Cifar10TrainFiles : [DatasetCatalog.Cifar10TestFile];
        var (images, labels, classes) = ReadCifar10(folder, files, marker.IsStandIn ? null : spec.RecordsPerFile);

        var keep = FastMode.Select(labels.Length, train, fast);
        var description = marker.Used("CIFAR-10").Describe("CIFAR-10", train ? "train" : "test", keep.Length, FastMode.Describe(keep.Length, labels.Length));
        return new InMemoryImageDataset(images, labels, 3, Cifar10Binary.Side, Cifar10Binary.Side, classes, description, transform, keep);
    }

    static void EnsureCifar10(DatasetCatalog.Cifar10Dataset spec, string folder, Downloader source)
    {
        string[] needed = [DatasetCatalog.Cifar10ClassesFile, .. DatasetCatalog.Cifar10TrainFiles, DatasetCatalog.Cifar10TestFile];
        DatasetInstaller.EnsureCanonical(folder, "CIFAR-10", f => needed.All(n => File.Exists(Path.Combine(f, n))),
            stage => UnpackCifar10(spec, stage, source), source.Log);
    }

    /// <summary>Reads and checks the class names and <paramref name="files"/>; <paramref name="records"/>, when given, is how many records each file must hold.</summary>
    static (byte[] Images, byte[] Labels, string[] Classes) ReadCifar10(string folder, IReadOnlyList<string> files, int? records)
    {
        var classesPath = Path.Combine(folder, DatasetCatalog.Cifar10ClassesFile);
        if (!File.Exists(classesPath)) throw new DataFormatException(classesPath, "missing: CIFAR-10's class names file");
        var classes = File.ReadAllLines(classesPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (classes.Length != 10) throw new DataFormatException(classesPath, $"lists {classes.Length} classes, not 10");
        var parts = files.Select(f =>
        {
            var path = Path.Combine(folder, f);
            if (!File.Exists(path)) throw new DataFormatException(path, "missing: one of CIFAR-10's batch files");
            var part = Cifar10Binary.Read(path, classes.Length);
            if (records is int expected && part.Labels.Length != expected)
                throw new DataFormatException(path, $"holds {part.Labels.Length:N0} records, but each CIFAR-10 batch file has {expected:N0}: the file is cut short or not CIFAR-10's. {Refetch(folder)}");
            return part;
        }).ToList();
        return (parts.SelectMany(p => p.Images).ToArray(), parts.SelectMany(p => p.Labels).ToArray(), classes);
    }

    /// <summary>Downloads CIFAR-10's archive into <paramref name="stage"/>, unpacks its folder's files there, checks them and deletes the archive.</summary>
    static string UnpackCifar10(DatasetCatalog.Cifar10Dataset spec, string stage, Downloader downloader)
    {
        var archive = downloader.Fetch(spec.Archive, stage, "CIFAR-10");
        var unpacking = Path.Combine(stage, ".unpacking");
        try
        {
            // The archive holds about 8% more than its own size once unpacked.
            downloader.RequireFreeSpace(stage, archive.Bytes + archive.Bytes / 8, "unpacking CIFAR-10");
            Directory.CreateDirectory(unpacking);
            using (var gzip = new GZipStream(File.OpenRead(archive.Path), CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, unpacking, overwriteFiles: false);
            var unpacked = Path.Combine(unpacking, spec.Folder);
            if (!Directory.Exists(unpacked))
                throw new DataFormatException(archive.Path, $"the archive from {archive.Url} has no {spec.Folder} folder; nothing was kept");
            foreach (var file in Directory.EnumerateFiles(unpacked))
                File.Move(file, Path.Combine(stage, Path.GetFileName(file)));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException && e is not DataFormatException and not NotEnoughSpaceException)
        {
            throw new DataFormatException(archive.Path, $"the archive from {archive.Url} cannot be unpacked ({e.Message}); nothing was kept");
        }
        finally
        {
            AtomicFile.DeleteFolder(unpacking);
            File.Delete(archive.Path);
        }
        ReadCifar10(stage, [.. DatasetCatalog.Cifar10TrainFiles, DatasetCatalog.Cifar10TestFile], spec.RecordsPerFile);
        return $"CIFAR-10 (Krizhevsky, 2009), binary version, downloaded{From(downloader)}; archive {Verified(downloader)}, " +
            $"{DatasetCatalog.Cifar10TrainFiles.Count * spec.RecordsPerFile:N0} train / {spec.RecordsPerFile:N0} test records";
    }

    /// <summary>
    /// Loads a novel for character-level training. Such a loop frees and takes back blocks of very mixed sizes every
    /// step, which over epochs fragments glibc's heap (Section 4's process grew by hundreds of MB an epoch), so loading
    /// one also keeps glibc from growing its heap for blocks of <see cref="TextTrainingMmapThreshold"/> or more
    /// (<see cref="NativeHeap.LimitMmapThreshold"/>; nothing elsewhere than Linux). See docs/NATIVE.md.
    /// </summary>
    internal static CharacterCorpus LoadText(DatasetCatalog.TextDataset spec, string? root, bool fast, Downloader? downloader = null)
    {
        NativeHeap.LimitMmapThreshold(TextTrainingMmapThreshold);
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, spec.Folder);
        var path = Path.Combine(folder, spec.File.FileName);
        EnsureText(spec, folder, downloader ?? Downloader.Shared);
        CachedFiles.VerifySealed(folder);
        var text = CharacterCorpus.ReadText(path, fast ? FastMode.TextLimit : null);
        var suffix = fast && text.Length == FastMode.TextLimit ? $" [fast mode: first {FastMode.TextLimit:N0} characters]" : "";
        var source = DatasetSource.Read(folder).Used(spec.Name).Describe(spec.Name, "text", text.Length, suffix, unit: "characters");
        return new CharacterCorpus(text, $"{source}; file {new FileInfo(path).Length:N0} bytes");
    }

    /// <summary>The block size from which glibc maps blocks on their own while a novel trains (4 MB).</summary>
    internal const int TextTrainingMmapThreshold = 4 << 20;

    static void EnsureText(DatasetCatalog.TextDataset spec, string folder, Downloader source) =>
        DatasetInstaller.EnsureCanonical(folder, spec.Name, f => File.Exists(Path.Combine(f, spec.File.FileName)), stage =>
        {
            var text = source.Fetch(spec.File, stage, spec.Name);
            CharacterCorpus.ReadText(text.Path);
            return $"{spec.Description}, downloaded{From(source)} and {Verified(source)}";
        }, source.Log);

    internal static ImageFolder LoadPhotos(DatasetCatalog.PhotoArchive spec, bool train, torchvision.ITransform? transform, string? root, bool fast, Downloader? downloader = null)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, spec.Folder);
        // A folder of the user's own photos may hold one split only; it is used as long as it has the one asked for.
        EnsurePhotos(spec, folder, [train ? "train" : "test"], downloader ?? Downloader.Shared);
        RequireSameClasses(folder);
        return new ImageFolder(Path.Combine(folder, train ? "train" : "test"), transform, ImageFile.DefaultMaxPixels, spec.Name, train, fast);
    }

    static void EnsurePhotos(DatasetCatalog.PhotoArchive spec, string folder, string[] splits, Downloader source) =>
        DatasetInstaller.EnsureCanonical(folder, spec.Name, f => splits.All(split => Directory.Exists(Path.Combine(f, split))),
            stage => PhotoArchives.Install(spec, stage, source), source.Log);

    /// <summary>
    /// The datasets with a canonical download, by folder name, each making its folder under a cache hold the
    /// canonical data when it can be had (as the factories do on first use), for <c>tools/fetch-data</c>.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, Action<string, Downloader>> Installers = new Dictionary<string, Action<string, Downloader>>
    {
        [DatasetCatalog.Mnist.Folder] = (cache, source) => EnsureIdx(DatasetCatalog.Mnist, Path.Combine(cache, DatasetCatalog.Mnist.Folder), DatasetCatalog.Mnist.Files(true), source),
        [DatasetCatalog.FashionMnist.Folder] = (cache, source) => EnsureIdx(DatasetCatalog.FashionMnist, Path.Combine(cache, DatasetCatalog.FashionMnist.Folder), DatasetCatalog.FashionMnist.Files(true), source),
        [DatasetCatalog.Cifar10Folder] = (cache, source) => EnsureCifar10(DatasetCatalog.Cifar10, Path.Combine(cache, DatasetCatalog.Cifar10Folder), source),
        [DatasetCatalog.AnnaKarenina.Folder] = (cache, source) => EnsureText(DatasetCatalog.AnnaKarenina, Path.Combine(cache, DatasetCatalog.AnnaKarenina.Folder), source),
        [DatasetCatalog.CatsAndDogs.Folder] = (cache, source) => EnsurePhotos(DatasetCatalog.CatsAndDogs, Path.Combine(cache, DatasetCatalog.CatsAndDogs.Folder), ["train", "test"], source),
        [DatasetCatalog.Flowers.Folder] = (cache, source) => EnsurePhotos(DatasetCatalog.Flowers, Path.Combine(cache, DatasetCatalog.Flowers.Folder), ["train", "test"], source),
    };

    /// <summary>Labels are class indices, so train/ and test/ must list the same class folders or a label would mean two classes.</summary>
    static void RequireSameClasses(string folder)
    {
        string[] Classes(string split) => Directory.Exists(Path.Combine(folder, split))
            ? Data.ImageFolder.ClassFolders(Path.Combine(folder, split)).Select(f => Path.GetFileName(f)!).ToArray()
            : [];
        var (train, test) = (Classes("train"), Classes("test"));
        if (train.Length > 0 && test.Length > 0 && !train.SequenceEqual(test))
            throw new DataFormatException(folder, $"train/ has the classes {string.Join(", ", train)} but test/ has {string.Join(", ", test)}; labels would not mean the same class in both");
    }

    /// <summary>The words a downloaded dataset's description uses for where it came from.</summary>
    internal static string From(Downloader downloader) => downloader.Mirror.IsActive ? $" through the mirror {DownloadMirror.Variable} names" : "";

    /// <summary>The words a downloaded dataset's description uses for how it was checked.</summary>
    internal static string Verified(Downloader downloader) => downloader.Mirror.ReplacesPins
        ? $"checked against the replacement checksums {DownloadMirror.PinsVariable} names (a test mirror)"
        : "SHA-256 verified";

    static string Refetch(string folder) =>
        $"Delete {folder} and load the dataset again with a network to download it, or run `{DatasetUnavailableException.OfflineCommand}` from the repository root.";

    static string? Locate(string folder, RemoteFile file)
    {
        var gz = Path.Combine(folder, file.FileName);
        if (File.Exists(gz)) return gz;
        var raw = Path.Combine(folder, Path.GetFileNameWithoutExtension(file.FileName));
        return File.Exists(raw) ? raw : null;
    }

    /// <summary>
    /// Checks the cached files before they are read: a sealed folder (tools/fetch-data's, or one the library
    /// installed) against its SHA256SUMS; files an earlier version of the library downloaded (a SOURCE.txt
    /// without a SHA256SUMS) against their pinned sums, once per process each. Files a user put there by hand
    /// are left to the readers' checks.
    /// </summary>
    static void VerifyCached(string folder, IEnumerable<RemoteFile> files)
    {
        if (File.Exists(Path.Combine(folder, CachedFiles.SumsFile)))
        {
            CachedFiles.VerifySealed(folder);
            return;
        }
        if (!File.Exists(Path.Combine(folder, DatasetSource.FileName)) || DatasetSource.Read(folder).IsStandIn) return;
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.FileName);
            if (File.Exists(path) && file.Sha256 is { } sha) CachedFiles.Verify(path, sha, "delete it and the library downloads it again");
        }
    }

    static void CheckLabels(string path, byte[] labels, int classCount)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new DataFormatException(path, $"label {i} is {labels[i]}, but there are only {classCount} classes");
        }
    }
}
