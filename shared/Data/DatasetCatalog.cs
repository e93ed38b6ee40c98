namespace DeepLearningCourse.Data;

/// <summary>
/// What the course knows about each dataset: its folder under the data cache, its files, where the
/// canonical files are published and their pinned SHA-256 sums. <c>data/README.md</c> documents the same
/// facts, with the offline stand-in for each.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>An IDX dataset (MNIST or Fashion-MNIST): four files and ten class names.</summary>
    public sealed record IdxDataset(string Name, string Folder, string Description, IReadOnlyList<string> Classes,
        RemoteFile TrainImages, RemoteFile TrainLabels, RemoteFile TestImages, RemoteFile TestLabels);

    static RemoteFile Mirrored(string name, string sha256, params string[] bases) =>
        new(name, sha256, bases.Select(b => b + name).ToArray());

    /// <summary>MNIST handwritten digits: 60,000 train and 10,000 test images, 28×28 gray.</summary>
    public static readonly IdxDataset Mnist = new("MNIST", "MNIST", "MNIST handwritten digits (LeCun, Cortes, Burges), canonical IDX files",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        Mirrored("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", MnistHosts),
        Mirrored("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", MnistHosts),
        Mirrored("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", MnistHosts),
        Mirrored("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", MnistHosts));

    // yann.lecun.com often refuses downloads now; torchvision's mirror is tried first.
    static string[] MnistHosts => ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"];

    /// <summary>Fashion-MNIST (Zalando): 60,000 train and 10,000 test images of clothing, 28×28 gray.</summary>
    public static readonly IdxDataset FashionMnist = new("Fashion-MNIST", "FashionMNIST", "Fashion-MNIST (Zalando Research), canonical IDX files",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        Mirrored("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", FashionHost),
        Mirrored("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", FashionHost),
        Mirrored("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", FashionHost),
        Mirrored("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", FashionHost));

    const string FashionHost = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>CIFAR-10's binary version, one archive unpacked to <see cref="Cifar10Folder"/>.</summary>
    public static readonly RemoteFile Cifar10Archive = new("cifar-10-binary.tar.gz",
        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
        "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");

    /// <summary>The folder the CIFAR-10 archive unpacks to (its own top-level folder).</summary>
    public const string Cifar10Folder = "cifar-10-batches-bin";

    /// <summary>CIFAR-10's training batch files, in order.</summary>
    public static readonly IReadOnlyList<string> Cifar10TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>CIFAR-10's test batch file.</summary>
    public const string Cifar10TestFile = "test_batch.bin";

    /// <summary>CIFAR-10's class names file (one name per line, by label).</summary>
    public const string Cifar10ClassesFile = "batches.meta.txt";

    /// <summary>
    /// The course's Cat/Dog photos (folder layout <c>train|test/cat|dog</c>). No SHA-256 of the archive
    /// could be pinned, so the library does not download it: fetch it by hand or use the stand-in.
    /// </summary>
    public const string CatDogFolder = "Cat_Dog_data";

    /// <summary>Where the course publishes the Cat/Dog photos.</summary>
    public const string CatDogUrl = "https://s3.amazonaws.com/content.udacity-data.com/nd089/Cat_Dog_data.zip";

    /// <summary>The course's 5-class flower photos (layout <c>train|test/&lt;flower&gt;</c>); not downloaded, as for Cat/Dog.</summary>
    public const string FlowersFolder = "flower_photos";

    /// <summary>Where the course publishes the flower photos.</summary>
    public const string FlowersUrl = "https://s3.amazonaws.com/video.udacity-data.com/topher/2018/September/5baa60a0_flower-photos/flower-photos.zip";

    /// <summary>The character-RNN text's folder and file.</summary>
    public const string NovelFolder = "anna", NovelFile = "anna.txt";

    /// <summary>Where the course publishes its copy of <i>Anna Karenina</i> (not downloaded: its checksum is not pinned).</summary>
    public const string NovelUrl = "https://raw.githubusercontent.com/udacity/deep-learning-v2-pytorch/master/recurrent-neural-networks/char-level-RNN/data/anna.txt";
}
