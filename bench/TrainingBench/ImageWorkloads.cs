using DeepLearningCourse.Data;
using DeepLearningCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

/// <summary>
/// The epochs over in-memory image datasets, each with its lesson's model, batch size, optimiser and transforms
/// (target: library within 1.05x of the floor).
/// </summary>
static class ImageWorkloads
{
    /// <summary>Section 2 Part 4: Fashion-MNIST, the 784-256-128-64-10 classifier, Adam 0.003, batch 64, through Trainer.Fit.</summary>
    public static void Fashion(Device device, int runs) =>
        EpochWorkload.Measure("Fashion-MNIST MLP epoch", Datasets.FashionMNIST(train: true, transform: Transforms.Normalize([0.5], [0.5])),
            batchSize: 64, shuffle: true, () =>
            {
                var model = new Classifier().to(device);
                return Training.Supervised(model, nn.NLLLoss(), optim.Adam(model.parameters(), lr: 0.003));
            }, device, runs, target: 1.05,
            (training, loader) =>
            {
                var trainer = new Trainer(training.Model, training.Criterion, training.Optimizer, device);
                return () => trainer.Fit(loader, 1, log: TextWriter.Null);
            });

    /// <summary>Section 2 Part 3: MNIST, 784-128-64-10 with log-softmax, NLL, SGD 0.003, batch 64, the lesson's own loop
    /// (each batch flattened in the loop).</summary>
    public static void Mnist(Device device, int runs) =>
        EpochWorkload.Measure("MNIST MLP epoch", Datasets.MNIST(train: true, transform: Transforms.Normalize([0.5], [0.5])),
            batchSize: 64, shuffle: true, () =>
            {
                var model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10), nn.LogSoftmax(dim: 1)).to(device);
                var criterion = nn.NLLLoss();
                return new Training(model, criterion, optim.SGD(model.parameters(), learningRate: 0.003),
                    (images, labels) => criterion.call(model.call(images.view(images.shape[0], -1)), labels));
            }, device, runs, target: 1.05);

    /// <summary>Section 3 Lesson 4: the training pass of an epoch over the CIFAR-10 training part (80%, the lesson's
    /// split with seed 1), mirrored and turned by up to 10 degrees, normalised; its CNN, cross-entropy, SGD 0.01,
    /// batch 20. The lesson's validation pass is not timed.</summary>
    public static void Cifar(Device device, int runs)
    {
        var trainTransform = Transforms.Compose(Transforms.RandomHorizontalFlip(), Transforms.RandomRotation(10), Transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
        var (trainPart, _) = Datasets.RandomSplit(Datasets.CIFAR10(train: true, transform: trainTransform), 0.2, seed: 1);
        EpochWorkload.Measure("CIFAR-10 CNN epoch (training pass)", trainPart, batchSize: 20, shuffle: true, () =>
        {
            var model = new CifarNet().to(device);
            return Training.Supervised(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), learningRate: 0.01));
        }, device, runs, target: 1.05);
    }

    /// <summary>Section 3 Lesson 8: the convolutional autoencoder on MNIST (pixels in [0, 1], in file order), MSE
    /// against the input, Adam 0.001, batch 20.</summary>
    public static void Autoencoder(Device device, int runs) =>
        EpochWorkload.Measure("Convolutional autoencoder epoch", Datasets.MNIST(train: true), batchSize: 20, shuffle: false, () =>
        {
            var model = new ConvAutoencoder().to(device);
            var criterion = nn.MSELoss();
            return new Training(model, criterion, optim.Adam(model.parameters(), lr: 0.001), (images, _) => criterion.call(model.call(images), images));
        }, device, runs, target: 1.05);

    /// <summary>Section 2 Part 4's classifier: 784-256-128-64-10 with ReLU and log-softmax.</summary>
    sealed class Classifier : nn.Module<Tensor, Tensor>
    {
        readonly Linear fc1 = nn.Linear(784, 256), fc2 = nn.Linear(256, 128), fc3 = nn.Linear(128, 64), fc4 = nn.Linear(64, 10);

        public Classifier() : base(nameof(Classifier)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = x.view(x.shape[0], -1);
            x = F.relu(fc1.call(x));
            x = F.relu(fc2.call(x));
            x = F.relu(fc3.call(x));
            return F.log_softmax(fc4.call(x), 1);
        }
    }

    /// <summary>Section 3 Lesson 4's CNN: three 3×3 convolutions (16, 32, 64) each with ReLU and 2×2 pooling,
    /// dropout 0.25, 1024-500-10.</summary>
    sealed class CifarNet : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv1 = nn.Conv2d(3, 16, 3, padding: 1), conv2 = nn.Conv2d(16, 32, 3, padding: 1), conv3 = nn.Conv2d(32, 64, 3, padding: 1);
        readonly MaxPool2d pool = nn.MaxPool2d(2, 2);
        readonly Linear fc1 = nn.Linear(64 * 4 * 4, 500), fc2 = nn.Linear(500, 10);
        readonly Dropout dropout = nn.Dropout(0.25);

        public CifarNet() : base(nameof(CifarNet)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = pool.call(F.relu(conv1.call(x)));
            x = pool.call(F.relu(conv2.call(x)));
            x = pool.call(F.relu(conv3.call(x)));
            x = dropout.call(x.view(-1, 64 * 4 * 4));
            x = dropout.call(F.relu(fc1.call(x)));
            return fc2.call(x);
        }
    }

    /// <summary>Section 3 Lesson 8's autoencoder: two convolutions with pooling down to 4×7×7, two stride-2
    /// transposed convolutions back up, sigmoid.</summary>
    sealed class ConvAutoencoder : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv1 = nn.Conv2d(1, 16, 3, padding: 1), conv2 = nn.Conv2d(16, 4, 3, padding: 1);
        readonly MaxPool2d pool = nn.MaxPool2d(2, 2);
        readonly ConvTranspose2d tConv1 = nn.ConvTranspose2d(4, 16, 2, stride: 2), tConv2 = nn.ConvTranspose2d(16, 1, 2, stride: 2);

        public ConvAutoencoder() : base(nameof(ConvAutoencoder)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = pool.call(F.relu(conv1.call(x)));
            x = pool.call(F.relu(conv2.call(x)));
            return F.sigmoid(tConv2.call(F.relu(tConv1.call(x))));
        }
    }
}
