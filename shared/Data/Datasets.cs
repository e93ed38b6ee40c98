using DeepLearningCourse.Infrastructure;
using TorchSharp;

namespace DeepLearningCourse.Data;

/// <summary>
/// The course's datasets, constructed the same way everywhere, like torchvision's: train or test, an
/// optional transform, and a root folder that defaults to <see cref="CourseSettings.DataRoot"/>. The canonical dataset
/// is downloaded and checked on first use when a network exists, and replaces an offline stand-in the first
/// time it can be had; offline, <c>tools/fetch-data</c> fills the cache, with labelled stand-ins where the real
/// data cannot be had. Every dataset prints (<c>Console.WriteLine(trainset)</c>) which data it really is.
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
        DatasetCache.LoadIdx(DatasetCatalog.Mnist, train, transform, root, FastMode.IsOn);

    /// <summary>Fashion-MNIST: items {"data": float32 [1,28,28] in [0,1] before the transform, "label": int64}.</summary>
    public static InMemoryImageDataset FashionMNIST(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        DatasetCache.LoadIdx(DatasetCatalog.FashionMnist, train, transform, root, FastMode.IsOn);

    /// <summary>CIFAR-10: items {"data": float32 [3,32,32] in [0,1] before the transform, "label": int64}.</summary>
    public static InMemoryImageDataset CIFAR10(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        DatasetCache.LoadCifar10(DatasetCatalog.Cifar10, train, transform, root, FastMode.IsOn);

    /// <summary>
    /// Photos one folder per class (torchvision's ImageFolder); items {"data": float32 [3,H,W], "label": int64}.
    /// Give a transform that makes every image the same size before batching them.
    /// </summary>
    public static ImageFolder ImageFolder(string root, torchvision.ITransform? transform = null) =>
        new(root, transform, ImageFile.DefaultMaxPixels, source: null, train: null, fast: FastMode.IsOn);

    /// <summary>The course's Cat/Dog photos (<c>Cat_Dog_data/train</c> or <c>/test</c>), or their offline stand-in.</summary>
    public static ImageFolder CatsAndDogs(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        DatasetCache.LoadPhotos(DatasetCatalog.CatsAndDogs, train, transform, root, FastMode.IsOn);

    /// <summary>The course's 5-class flower photos (<c>flower_photos/train</c> or <c>/test</c>), or their offline stand-in.</summary>
    public static ImageFolder Flowers(bool train = true, torchvision.ITransform? transform = null, string? root = null) =>
        DatasetCache.LoadPhotos(DatasetCatalog.Flowers, train, transform, root, FastMode.IsOn);

    /// <summary>
    /// The character-RNN's novel: <i>Anna Karenina</i> as the course ships it, or its offline stand-in.
    /// In fast mode only the first <see cref="FastMode.TextLimit"/> characters are kept.
    /// </summary>
    public static CharacterCorpus AnnaKarenina(string? root = null) => DatasetCache.LoadText(DatasetCatalog.AnnaKarenina, root, FastMode.IsOn);

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
}
