namespace DeepLearningCourse.Data;

/// <summary>
/// What the course knows about each dataset: its folder under the data cache, its files and how many
/// records they hold, where the canonical files are published (a second public source where one exists) and
/// their pinned SHA-256 sums, or, for the photo archives, whose sums nobody publishes, the structure that
/// checks them. <c>data/README.md</c> documents the same facts, with the offline stand-in for each.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>
    /// An IDX dataset (MNIST or Fashion-MNIST): four files, ten class names, and the number of images each
    /// split holds (the dataset's format: a file with fewer is refused, unless its folder is a stand-in).
    /// </summary>
    public sealed record IdxDataset(string Name, string Folder, string Description, IReadOnlyList<string> Classes,
        RemoteFile TrainImages, RemoteFile TrainLabels, RemoteFile TestImages, RemoteFile TestLabels, int TrainCount, int TestCount)
    {
        /// <summary>All four files, the requested split's first.</summary>
        public IReadOnlyList<RemoteFile> Files(bool trainFirst) => trainFirst
            ? [TrainImages, TrainLabels, TestImages, TestLabels]
            : [TestImages, TestLabels, TrainImages, TrainLabels];
    }

    static RemoteFile Mirrored(string name, string sha256, long size, params string[] bases) =>
        new(name, sha256, bases.Select(b => b + name).ToArray(), size);

    /// <summary>MNIST handwritten digits: 60,000 train and 10,000 test images, 28×28 gray.</summary>
    public static readonly IdxDataset Mnist = new("MNIST", "MNIST", "MNIST handwritten digits (LeCun, Cortes, Burges), canonical IDX files",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        Mirrored("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422, MnistHosts),
        Mirrored("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881, MnistHosts),
        Mirrored("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877, MnistHosts),
        Mirrored("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542, MnistHosts),
        60_000, 10_000);

    // yann.lecun.com often refuses downloads now; torchvision's mirror is tried first.
    static string[] MnistHosts => ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"];

    /// <summary>Fashion-MNIST (Zalando): 60,000 train and 10,000 test images of clothing, 28×28 gray.</summary>
    public static readonly IdxDataset FashionMnist = new("Fashion-MNIST", "FashionMNIST", "Fashion-MNIST (Zalando Research), canonical IDX files",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        Mirrored("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880, FashionHosts),
        Mirrored("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515, FashionHosts),
        Mirrored("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102, FashionHosts),
        Mirrored("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148, FashionHosts),
        60_000, 10_000);

    // Zalando's own download site, then the same files in its GitHub repository.
    static string[] FashionHosts => ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"];

    /// <summary>CIFAR-10's binary version: one archive, unpacked to <see cref="Folder"/>, whose batch files hold <see cref="RecordsPerFile"/> records each.</summary>
    public sealed record Cifar10Dataset(RemoteFile Archive, int RecordsPerFile)
    {
        /// <summary>The folder the archive unpacks to (its own top-level folder).</summary>
        public string Folder => Cifar10Folder;
    }

    /// <summary>CIFAR-10 (Krizhevsky, 2009): five training batches and one test batch of 10,000 images each.</summary>
    public static readonly Cifar10Dataset Cifar10 = new(new("cifar-10-binary.tar.gz",
        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"], 170_052_171), 10_000);

    /// <summary>The folder the CIFAR-10 archive unpacks to (its own top-level folder).</summary>
    public const string Cifar10Folder = "cifar-10-batches-bin";

    /// <summary>CIFAR-10's training batch files, in order.</summary>
    public static readonly IReadOnlyList<string> Cifar10TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>CIFAR-10's test batch file.</summary>
    public const string Cifar10TestFile = "test_batch.bin";

    /// <summary>CIFAR-10's class names file (one name per line, by label).</summary>
    public const string Cifar10ClassesFile = "batches.meta.txt";

    /// <summary>
    /// A zip of photos in the course's layout, <c>train/&lt;class&gt;/…</c> and <c>test/&lt;class&gt;/…</c>
    /// (optionally under one top folder named <see cref="Folder"/>). No checksum is published for these, so a
    /// download is checked by its structure: only these classes, image files only, no path leaving the folder,
    /// photo counts per split within the bounds, and at most <see cref="MaxBytes"/> unpacked.
    /// </summary>
    public sealed record PhotoArchive(string Name, string Folder, string Description, RemoteFile Archive, IReadOnlyList<string> Classes,
        (int Min, int Max) TrainPhotos, (int Min, int Max) TestPhotos, long MaxBytes);

    /// <summary>The course's Cat/Dog photos (a subset of Kaggle's Dogs vs. Cats: 22,500 train and 2,500 test photos).</summary>
    public static readonly PhotoArchive CatsAndDogs = new("Cat/Dog photos", "Cat_Dog_data",
        "the course's Cat/Dog photos (a subset of Kaggle's Dogs vs. Cats)",
        new("Cat_Dog_data.zip", null, "https://s3.amazonaws.com/content.udacity-data.com/nd089/Cat_Dog_data.zip"),
        ["cat", "dog"], (10_000, 30_000), (1_000, 10_000), 2_000_000_000);

    /// <summary>The course's 5-class flower photos (TensorFlow's flower_photos split 3,130 train / 540 test).</summary>
    public static readonly PhotoArchive Flowers = new("Flower photos", "flower_photos",
        "the course's flower photos (TensorFlow's flower_photos, CC BY 2.0)",
        new("flower-photos.zip", null, "https://s3.amazonaws.com/video.udacity-data.com/topher/2018/September/5baa60a0_flower-photos/flower-photos.zip"),
        ["daisy", "dandelion", "roses", "sunflowers", "tulips"], (2_000, 4_000), (300, 1_500), 1_000_000_000);

    /// <summary>A text corpus: its name, folder, file and where the canonical text is published.</summary>
    public sealed record TextDataset(string Name, string Folder, string Description, RemoteFile File);

    /// <summary>
    /// <i>Anna Karenina</i> as the course ships it (the char-RNN lesson's data), from the course repository,
    /// then from jsDelivr's copy of the same repository.
    /// </summary>
    public static readonly TextDataset AnnaKarenina = new("Anna Karenina", "anna",
        "Anna Karenina (Leo Tolstoy, Constance Garnett's translation, public domain), the course's anna.txt",
        new("anna.txt", "568bb39fc78aca98e9db91c4329dcd1aa5ec4c3df3aca2064ce5d6f023ae16c9",
            ["https://raw.githubusercontent.com/udacity/deep-learning-v2-pytorch/master/recurrent-neural-networks/char-rnn/data/anna.txt",
             "https://cdn.jsdelivr.net/gh/udacity/deep-learning-v2-pytorch@master/recurrent-neural-networks/char-rnn/data/anna.txt"],
            2_025_486));
}
