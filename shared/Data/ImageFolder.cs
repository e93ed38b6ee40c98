using System.Globalization;
using System.Text;
using DeepLearningCourse.Infrastructure;
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
    readonly string root;
    readonly torchvision.ITransform? transform;
    readonly long maxPixels;

    /// <summary>
    /// Indexes the photos under <paramref name="root"/>. Every sub-folder is a class, except hidden and
    /// tool folders; a class folder with no image files, or an image file directly in
    /// <paramref name="root"/> (it would have no class), is an error naming it. Inside a class folder, files and
    /// folders whose names start with '.' are skipped, and linked folders are followed, each folder once.
    /// </summary>
    public ImageFolder(string root, torchvision.ITransform? transform = null, long maxPixels = ImageFile.DefaultMaxPixels)
        : this(root, transform, maxPixels, source: null, train: null, fast: FastMode.IsOn) { }

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
        var folders = ClassFolders(root).ToList();
        RequireDistinctNames(root, folders);
        // A link back to the dataset or into another class's folder is not followed: those photos are already counted.
        var counted = folders.Prepend(root).Select(folder => RealPath(folder)).ToHashSet();
        foreach (var folder in folders)
        {
            var files = ImageFiles(folder, counted).Order(StringComparer.Ordinal).ToList();
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
        this.root = root;
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
        var image = Decode(path);
        return new()
        {
            ["data"] = Transform(image, path),
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
            Parallel.For(0, indices.Length, i => decoded[i] = OpenMpThreads.OnOneThread(() => Decode(samples[indices[i]].Path)));
            var images = decoded.Select((image, i) => Transform(image, samples[indices[i]].Path)).ToArray();
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

    /// <summary>
    /// The photo at <paramref name="path"/> as a tensor. A file that cannot be read stops the epoch (a model trained
    /// without some of its photos, unannounced, is worse), with an error that names it and says how to leave it out.
    /// </summary>
    Tensor Decode(string path)
    {
        try { return ImageFile.Load(path, maxPixels: maxPixels); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var problem = e is DataFormatException format ? format.Problem : e.Message;
            throw new DataFormatException(path, $"{problem}. To train without it, delete it, move it out of {root}, or rename it to start with '.'", e);
        }
    }

    /// <summary>The transform applied to <paramref name="image"/>, with libtorch's errors told as one sentence naming the photo.</summary>
    Tensor Transform(Tensor image, string path)
    {
        if (transform is null) return image;
        return NativeErrors.Explained(() => transform.call(image), () => $"The transform failed on {path}, decoded as {image.Shape()}");
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

    /// <summary>
    /// The image files under <paramref name="classFolder"/>, skipping names that start with '.'. A linked folder is
    /// followed unless its target is already in <paramref name="counted"/> (the dataset, the class folders), or was
    /// met before in this walk: a link loop ends there instead of repeating the same photos without end.
    /// </summary>
    static IEnumerable<string> ImageFiles(string classFolder, IReadOnlySet<string> counted)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<(DirectoryInfo Folder, string Identity)>();
        pending.Push((new DirectoryInfo(classFolder), RealPath(classFolder)));
        while (pending.TryPop(out var current))
        {
            foreach (var entry in current.Folder.EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.')) continue;
                if (entry is DirectoryInfo folder)
                {
                    var identity = folder.LinkTarget is null ? Path.Combine(current.Identity, folder.Name) : LinkedFolder(folder);
                    if (identity is not null && !counted.Contains(identity) && seen.Add(identity)) pending.Push((folder, identity));
                }
                else if (IsImage(entry.Name)) yield return entry.FullName;
            }
        }
    }

    /// <summary>Where a linked folder leads, or null for a chain of links that never reaches a folder (it holds no photos).</summary>
    static string? LinkedFolder(DirectoryInfo link)
    {
        try { return RealPath(link.FullName); }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// The folder's path with every link in it resolved, so that one folder has one name however it was reached.
    /// A chain of links that never ends (a link to itself) is the same error the system gives when opening it.
    /// </summary>
    static string RealPath(string path, int links = 0)
    {
        var full = Path.GetFullPath(path);
        var resolved = Path.GetPathRoot(full)!;
        foreach (var part in full[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            if (new DirectoryInfo(next).LinkTarget is null) { resolved = next; continue; }
            // The same limit as the system's for links met while opening one path (Linux's MAXSYMLINKS).
            if (++links > 40) throw new IOException($"{path}: too many levels of symbolic links");
            var target = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: false)!;
            resolved = RealPath(target.FullName, links);
        }
        return resolved;
    }

    /// <summary>
    /// Refuses class folders whose names print the same but are different characters: the same accented letter
    /// composed or decomposed (what macOS and Linux tools may each write), or a name with an invisible character in it.
    /// They would silently become two classes.
    /// </summary>
    static void RequireDistinctNames(string root, IReadOnlyList<string> folders)
    {
        var byLook = new Dictionary<string, string>();
        foreach (var name in folders.Select(folder => Path.GetFileName(folder)!))
        {
            var look = string.Concat(name.Normalize(NormalizationForm.FormC).Where(c => char.GetUnicodeCategory(c) != UnicodeCategory.Format));
            if (byLook.TryGetValue(look, out var other))
                throw new DataFormatException(root,
                    $"the class folders '{other}' and '{name}' print the same but are spelled with different characters ({Escaped(other)} and {Escaped(name)}), " +
                    "so they would be two classes; merge them into one folder, or rename one");
            byLook[look] = name;
        }
    }

    /// <summary>The name with every character outside printable ASCII written as its code, e.g. cafe\u0301.</summary>
    static string Escaped(string name) =>
        string.Concat(name.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
