using System.Formats.Tar;
using System.IO.Compression;
using DeepLearningCourse.Infrastructure;
using TorchSharp;

namespace DeepLearningCourse.Data;

/// <summary>
/// The course's datasets, constructed the same way everywhere, like torchvision's: train or test, an
/// optional transform, and a root folder that defaults to the course's data cache
/// (<see cref="CourseSettings.DataRoot"/>). Canonical files missing from the cache are downloaded (pinned SHA-256)
/// when a network exists; offline, <c>tools/fetch-data</c> fills the cache, with labelled stand-ins where the real data cannot be had.
/// Every dataset prints (<c>Console.WriteLine(trainset)</c>) which data it really is.
/// </summary>
/// <example>
/// <code>
/// var transform = Transforms.Normalize([0.5], [0.5]);
/// var trainset = Datasets.MNIST(train: true, transform: transform);
/// Console.WriteLine(trainset);
/// var trainloader = new DataLoader(trainset, batchSize: 64, shuffle: true, device: device);
/// foreach (var (images, labels) in trainloader) { ... }
/// </code>
/// </example>
public static class Datasets
{
    /// <summary>MNIST digits: items {"data": float32 [1,28,28] in [0,1] before the transform, "label": int64}.</summary>
    public static InMemoryImageDataset MNIST(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        LoadIdx(DatasetCatalog.Mnist, train, transform, root, FastMode.IsOn);

    /// <summary>Fashion-MNIST: items {"data": float32 [1,28,28] in [0,1] before the transform, "label": int64}.</summary>
    public static InMemoryImageDataset FashionMNIST(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        LoadIdx(DatasetCatalog.FashionMnist, train, transform, root, FastMode.IsOn);

    /// <summary>CIFAR-10: items {"data": float32 [3,32,32] in [0,1] before the transform, "label": int64}.</summary>
    public static InMemoryImageDataset CIFAR10(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        LoadCifar10(train, transform, root, FastMode.IsOn);

    /// <summary>
    /// Photos one folder per class (torchvision's ImageFolder); items {"data": float32 [3,H,W], "label": int64}.
    /// Give a transform that makes every image the same size before batching them.
    /// </summary>
    public static ImageFolder ImageFolder(string root, torchvision.ITransform? transform = null) =>
        new(root, transform, ImageFile.DefaultMaxPixels, source: null, train: null, fast: FastMode.IsOn);

    /// <summary>The course's Cat/Dog photos (<c>Cat_Dog_data/train</c> or <c>/test</c>), or their offline stand-in.</summary>
    public static ImageFolder CatsAndDogs(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        PhotoFolder("Cat/Dog photos", DatasetCatalog.CatDogFolder, DatasetCatalog.CatDogUrl, train, transform, root);

    /// <summary>The course's 5-class flower photos (<c>flower_photos/train</c> or <c>/test</c>), or their offline stand-in.</summary>
    public static ImageFolder Flowers(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        PhotoFolder("Flower photos", DatasetCatalog.FlowersFolder, DatasetCatalog.FlowersUrl, train, transform, root);

    /// <summary>
    /// The character-RNN's novel: <i>Anna Karenina</i> as the course ships it, or its offline stand-in.
    /// In fast mode only the first <see cref="FastMode.TextLimit"/> characters are kept.
    /// </summary>
    public static CharacterCorpus AnnaKarenina(string? root = null) => LoadNovel(root, FastMode.IsOn);

    /// <summary>
    /// Splits <paramref name="dataset"/> at random into a training part and a validation part holding
    /// <paramref name="validationFraction"/> of the samples (the course's SubsetRandomSampler split).
    /// The same seed gives the same split.
    /// </summary>
    public static (Subset Train, Subset Validation) RandomSplit(torch.utils.data.Dataset dataset, double validationFraction = 0.2, int? seed = null)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), "The validation fraction must be between 0 and 1.");
        var order = new ReshufflingSampler(dataset.Count, seed ?? Seeds.Draw()).ToArray();
        var validationCount = (int)Math.Floor(validationFraction * dataset.Count);
        var name = dataset.ToString();
        return (new Subset(dataset, order[validationCount..], $"{name} → training part: {order.Length - validationCount:N0} samples"),
                new Subset(dataset, order[..validationCount], $"{name} → validation part: {validationCount:N0} samples"));
    }

    internal static InMemoryImageDataset LoadIdx(DatasetCatalog.IdxDataset spec, bool train, torchvision.ITransform? transform, string? root, bool fast)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, spec.Folder);
        var (imagesFile, labelsFile) = train ? (spec.TrainImages, spec.TrainLabels) : (spec.TestImages, spec.TestLabels);
        // A dataset is present only when both splits are: downloading one split alone would leave a
        // folder that looks complete (to tools/fetch-data too) and fails offline for the other split.
        RemoteFile[] all = train
            ? [spec.TrainImages, spec.TrainLabels, spec.TestImages, spec.TestLabels]
            : [spec.TestImages, spec.TestLabels, spec.TrainImages, spec.TrainLabels];
        // A folder tools/fetch-data sealed is never topped up from the network: it may hold a stand-in.
        var sealedFolder = File.Exists(Path.Combine(folder, CachedFiles.SumsFile));
        if (!sealedFolder && all.Any(file => Locate(folder, file) is null))
        {
            foreach (var file in all)
                if (Locate(folder, file) is null) Downloader.Ensure(file, folder, spec.Name);
            MarkCanonical(folder, $"{spec.Description}, downloaded and SHA-256 verified");
        }
        VerifyCached(folder, all);
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
        CheckLabels(labelsPath, labels.Values, spec.Classes.Count);

        var keep = FastMode.Select(images.Count, train, fast);
        var source = DatasetSource.Read(folder).Used(spec.Name).Describe(spec.Name, train ? "train" : "test", keep.Length, FastMode.Describe(keep.Length, images.Count));
        return new InMemoryImageDataset(images.Values, labels.Values, 1, images.Dimensions[1], images.Dimensions[2], spec.Classes, source, transform, keep);
    }

    internal static InMemoryImageDataset LoadCifar10(bool train, torchvision.ITransform? transform, string? root, bool fast)
    {
        var cache = root ?? CourseSettings.DataRoot;
        var folder = Path.Combine(cache, DatasetCatalog.Cifar10Folder);
        if (!Directory.Exists(folder)) DownloadCifar10(cache, folder, DatasetCatalog.Cifar10Archive);

        CachedFiles.VerifySealed(folder);
        var classesPath = Path.Combine(folder, DatasetCatalog.Cifar10ClassesFile);
        if (!File.Exists(classesPath)) throw new DataFormatException(classesPath, "missing: CIFAR-10's class names file");
        var classes = File.ReadAllLines(classesPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (classes.Length != 10) throw new DataFormatException(classesPath, $"lists {classes.Length} classes, not 10");

        var files = train ? DatasetCatalog.Cifar10TrainFiles : [DatasetCatalog.Cifar10TestFile];
        var parts = files.Select(f =>
        {
            var path = Path.Combine(folder, f);
            return File.Exists(path) ? Cifar10Binary.Read(path, classes.Length) : throw new DataFormatException(path, "missing: one of CIFAR-10's batch files");
        }).ToList();
        var images = parts.SelectMany(p => p.Images).ToArray();
        var labels = parts.SelectMany(p => p.Labels).ToArray();

        var keep = FastMode.Select(labels.Length, train, fast);
        var source = DatasetSource.Read(folder).Used("CIFAR-10").Describe("CIFAR-10", train ? "train" : "test", keep.Length, FastMode.Describe(keep.Length, labels.Length));
        return new InMemoryImageDataset(images, labels, 3, Cifar10Binary.Side, Cifar10Binary.Side, classes, source, transform, keep);
    }

    internal static CharacterCorpus LoadNovel(string? root, bool fast)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, DatasetCatalog.NovelFolder);
        var path = Path.Combine(folder, DatasetCatalog.NovelFile);
        if (!File.Exists(path))
            throw new DatasetUnavailableException("Anna Karenina", folder, [],
                $"download {DatasetCatalog.NovelUrl} to {path} yourself");
        CachedFiles.VerifySealed(folder);
        var text = CharacterCorpus.ReadText(path, fast ? FastMode.TextLimit : null);
        var suffix = fast && text.Length == FastMode.TextLimit ? $" [fast mode: first {FastMode.TextLimit:N0} characters]" : "";
        var source = DatasetSource.Read(folder).Used("Anna Karenina").Describe("Anna Karenina", "text", text.Length, suffix, unit: "characters");
        return new CharacterCorpus(text, $"{source}; file {new FileInfo(path).Length:N0} bytes");
    }

    static ImageFolder PhotoFolder(string name, string folderName, string url, bool train, torchvision.ITransform? transform, string? root)
    {
        var folder = Path.Combine(root ?? CourseSettings.DataRoot, folderName);
        var split = Path.Combine(folder, train ? "train" : "test");
        if (!Directory.Exists(split))
            throw new DatasetUnavailableException(name, folder, [], $"download {url} and unzip it into {root ?? CourseSettings.DataRoot} yourself");
        RequireSameClasses(folder);
        return new ImageFolder(split, transform, ImageFile.DefaultMaxPixels, name, train, FastMode.IsOn);
    }

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

    internal static void DownloadCifar10(string cache, string folder, RemoteFile remote)
    {
        var archive = Downloader.Ensure(remote, cache, "CIFAR-10");
        var unpacking = Path.Combine(cache, $"cifar-10.{Environment.ProcessId}.partial");
        try
        {
            using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
            {
                Directory.CreateDirectory(unpacking);
                TarFile.ExtractToDirectory(gzip, unpacking, overwriteFiles: true);
            }
            var unpacked = Path.Combine(unpacking, DatasetCatalog.Cifar10Folder);
            if (!Directory.Exists(unpacked))
                throw new DataFormatException(archive, $"the archive has no {DatasetCatalog.Cifar10Folder} folder");
            DatasetSource.Write(unpacked, isStandIn: false, "CIFAR-10 (Krizhevsky, 2009), binary version, downloaded and SHA-256 verified");
            Directory.Move(unpacked, folder);
            File.Delete(archive);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException && e is not DataFormatException)
        {
            throw new DataFormatException(archive, $"cannot be unpacked ({e.Message})");
        }
        finally
        {
            if (Directory.Exists(unpacking)) Directory.Delete(unpacking, recursive: true);
        }
    }

    static string? Locate(string folder, RemoteFile file)
    {
        var gz = Path.Combine(folder, file.FileName);
        if (File.Exists(gz)) return gz;
        var raw = Path.Combine(folder, Path.GetFileNameWithoutExtension(file.FileName));
        return File.Exists(raw) ? raw : null;
    }

    /// <summary>
    /// Checks the cached files before they are read: a folder tools/fetch-data sealed against its
    /// SHA256SUMS, files the library downloaded (its SOURCE.txt without a SHA256SUMS) against their
    /// pinned sums, once per process each. Files a user put there by hand are left to the readers' checks.
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
            if (File.Exists(path)) CachedFiles.Verify(path, file.Sha256, "delete it and the library downloads it again");
        }
    }

    static void MarkCanonical(string folder, string description)
    {
        if (!File.Exists(Path.Combine(folder, DatasetSource.FileName)))
            DatasetSource.Write(folder, isStandIn: false, description);
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
