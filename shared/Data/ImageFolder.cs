using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Photos stored one folder per class (<c>root/cat/001.jpg</c>, <c>root/dog/002.jpg</c>), like
/// torchvision's ImageFolder. Classes are the folder names in ordinal order; each item is decoded when
/// asked for, so a folder of full-size photos never has to fit in memory.
/// </summary>
public sealed class ImageFolder : torch.utils.data.Dataset, IBatchedDataset
{
    /// <summary>The file extensions treated as images (ImageSharp 2.1 decodes all of them).</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tga", ".tif", ".tiff" };

    readonly (string Path, long Label)[] samples;
    readonly torchvision.ITransform? transform;
    readonly long maxPixels;

    /// <summary>
    /// Indexes the photos under <paramref name="root"/>. Every sub-folder is a class, except hidden and
    /// tool folders; a class folder with no image files, or an image file directly in
    /// <paramref name="root"/> (it would have no class), is an error naming it.
    /// </summary>
    public ImageFolder(string root, torchvision.ITransform? transform = null, long maxPixels = ImageFile.DefaultMaxPixels)
        : this(root, transform, maxPixels, source: null, train: null, fast: Course.IsFast) { }

    /// <summary>As the public constructor, with the dataset's name, its split and the mode given explicitly.</summary>
    internal ImageFolder(string root, torchvision.ITransform? transform, long maxPixels, string? source, bool? train, bool fast)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root} does not exist.");
        var stray = Directory.EnumerateFiles(root).FirstOrDefault(IsImage);
        if (stray is not null)
            throw new DataFormatException(stray, "an image directly in the dataset folder has no class; put it in a folder named after its class");

        var classes = new List<string>();
        var all = new List<(string, long)>();
        foreach (var folder in ClassFolders(root))
        {
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal).ToList();
            // Skipping an empty class would renumber the classes after it, differently in train/ and test/.
            if (files.Count == 0)
                throw new DataFormatException(folder, "a class folder with no image files in it; add its images or remove the folder (torchvision refuses it too)");
            all.AddRange(files.Select(f => (f, (long)classes.Count)));
            classes.Add(Path.GetFileName(folder));
        }
        if (all.Count == 0)
            throw new DataFormatException(root, "no class folder with image files in it");

        // Folder names say which limit applies when no factory said so: test/valid sets get the test limit.
        var isTrain = train ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) is not ("test" or "valid" or "val");
        var keep = FastMode.SelectPhotos(all.Count, fast);
        samples = keep.Select(i => all[(int)i]).ToArray();
        Classes = classes;
        this.transform = transform;
        this.maxPixels = maxPixels;

        var name = source ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
        var marker = File.Exists(Path.Combine(root, DatasetSource.FileName)) ? root : Path.GetDirectoryName(Path.GetFullPath(root))!;
        // Photos decode lazily, epoch after epoch; their checksums are checked here, once per process.
        CachedFiles.VerifySealed(marker);
        Source = DatasetSource.Read(marker).Used(name).Describe(name, isTrain ? "train" : "test", samples.Length, FastMode.Describe(samples.Length, all.Count))
            + $"; classes: {string.Join(", ", classes)}";
    }

    /// <summary>Class names (the folder names), indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>One line saying which data this is, with the number of photos and the classes.</summary>
    public string Source { get; }

    /// <summary>Each sample's file and label, in index order.</summary>
    public IReadOnlyList<(string Path, long Label)> Samples => samples;

    /// <inheritdoc/>
    public override long Count => samples.Length;

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var (path, label) = samples[index];
        var image = ImageFile.Load(path, maxPixels: maxPixels);
        return new()
        {
            ["data"] = transform is null ? image : transform.call(image),
            ["label"] = torch.tensor(label),
        };
    }

    /// <summary>
    /// Decodes the batch's photos in parallel (the slow part), then transforms them one by one in batch
    /// order: random augmentation then draws its numbers in the same order on every run, whichever
    /// thread finished decoding first.
    /// </summary>
    public Dictionary<string, Tensor> GetBatch(long[] indices)
    {
        var decoded = new Tensor[indices.Length];
        try
        {
            Parallel.For(0, indices.Length, i => decoded[i] = OpenMpThreads.OnOneThread(() => ImageFile.Load(samples[indices[i]].Path, maxPixels: maxPixels)));
            var images = transform is null ? decoded : decoded.Select(image => transform.call(image)).ToArray();
            return new()
            {
                ["data"] = Batching.Stack(images, i => samples[indices[i]].Path),
                ["label"] = torch.tensor(indices.Select(i => samples[i].Label).ToArray()),
            };
        }
        finally
        {
            // Decoded on worker threads, outside the caller's dispose scope.
            foreach (var image in decoded) image?.Dispose();
        }
    }

    /// <summary>Decoding already keeps every core busy; a prefetching thread would only compete with it.</summary>
    public bool PrefetchPays => false;

    /// <inheritdoc/>
    public override string ToString() => Source;

    /// <summary>
    /// The class folders under <paramref name="root"/> in ordinal order: every sub-folder except hidden
    /// ones (<c>.ipynb_checkpoints</c>, <c>.git</c>) and the <c>__MACOSX</c> folder that macOS zips add.
    /// </summary>
    internal static IEnumerable<string> ClassFolders(string root) =>
        Directory.GetDirectories(root)
            .Where(folder => Path.GetFileName(folder) is var name && !name.StartsWith('.') && name != "__MACOSX")
            .Order(StringComparer.Ordinal);

    static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));
}
