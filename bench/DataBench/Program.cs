using System.Diagnostics;
using DeepLearningCourse;
using DeepLearningCourse.Data;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

TorchNative.Load();
torch.manual_seed(42);
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
Console.WriteLine($"Device: {device.type} ({torch.get_num_threads()} threads) | TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}");
Console.WriteLine($"Data: {Course.DataRoot}");
Console.WriteLine();

// Each measurement runs with the course's DataLoader (with and without prefetching) and with TorchSharp's (sample by sample).
string[] loaders = ["course, prefetch", "course, no prefetch", "TorchSharp"];
var gray = Transforms.Normalize([0.5], [0.5]);
var mnist = Datasets.MNIST(train: true, transform: gray);
var fashion = Datasets.FashionMNIST(train: true, transform: gray);
var cifarAugment = Transforms.Compose(Transforms.RandomHorizontalFlip(), Transforms.RandomRotation(10),
    Transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
var cifar = Datasets.CIFAR10(train: true, transform: cifarAugment);
var photoAugment = Transforms.Compose(Transforms.RandomRotation(30), Transforms.RandomResizedCrop(224),
    Transforms.RandomHorizontalFlip(), Transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]));
var photos = Datasets.CatsAndDogs(train: true, transform: photoAugment);
foreach (var dataset in new object[] { mnist, fashion, cifar, photos }) Console.WriteLine($"  {dataset}");
Console.WriteLine();

// 1. Batches per second for each loader, as the lessons configure them.
Console.WriteLine($"{"batches per second",-46}" + string.Concat(loaders.Select(l => $"{l,22}")));
Throughput("MNIST, batch 64", mnist, 64, epochs: 3);
Throughput("Fashion-MNIST, batch 64", fashion, 64, epochs: 1);
Throughput("CIFAR-10, batch 20, flip + rotation 10°", cifar, 20, epochs: 1);
Throughput("Cat/Dog photos at 224, augmented, batch 32", photos, 32, epochs: 1);
Console.WriteLine();

// 2. The share of a training epoch spent waiting for data, with each lesson's kind of network:
//    the MLP 784-128-64-10 (SGD lr 0.003, batch 64) and Section 3's CIFAR-10 CNN (batch 20).
EpochShare("MNIST", mnist, 64, Mlp, epochs: 3);
EpochShare("Fashion-MNIST", fashion, 64, Mlp, epochs: 1);
EpochShare("CIFAR-10", cifar, 20, CifarCnn, epochs: 1);

nn.Module<Tensor, Tensor> Mlp() => nn.Sequential(
    ("flatten", nn.Flatten()),
    ("fc1", nn.Linear(784, 128)), ("relu1", nn.ReLU()),
    ("fc2", nn.Linear(128, 64)), ("relu2", nn.ReLU()),
    ("fc3", nn.Linear(64, 10)), ("logsoftmax", nn.LogSoftmax(1)));

// Section 3's CIFAR network: three 3x3 convolutions (16, 32, 64 channels) each with 2x2 max pooling,
// then 1024 -> 500 -> 10 with dropout 0.25.
nn.Module<Tensor, Tensor> CifarCnn() => nn.Sequential(
    ("conv1", nn.Conv2d(3, 16, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
    ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
    ("conv3", nn.Conv2d(32, 64, 3, padding: 1)), ("relu3", nn.ReLU()), ("pool3", nn.MaxPool2d(2)),
    ("flatten", nn.Flatten()), ("dropout1", nn.Dropout(0.25)),
    ("fc1", nn.Linear(1024, 500)), ("relu4", nn.ReLU()), ("dropout2", nn.Dropout(0.25)),
    ("fc2", nn.Linear(500, 10)), ("logsoftmax", nn.LogSoftmax(1)));

// TorchSharp's loader yields {"data", "label"} dictionaries; viewed as (data, labels) pairs it runs the same loops.
IEnumerable<(Tensor Data, Tensor Labels)> Loader(string kind, torch.utils.data.Dataset dataset, int batchSize, int seed) => kind switch
{
    "TorchSharp" => torch.utils.data.DataLoader(dataset, batchSize, shuffle: true, device, seed, num_worker: Environment.ProcessorCount, disposeDataset: false)
        .Select(batch => (batch["data"], batch["label"])),
    _ => new DataLoader(dataset, batchSize, shuffle: true, device, seed, prefetch: kind == "course, prefetch"),
};

void Throughput(string name, torch.utils.data.Dataset dataset, int batchSize, int epochs)
{
    Console.WriteLine($"{name,-46}" + string.Concat(loaders.Select(kind => $"{Rate(Loader(kind, dataset, batchSize, 1), epochs),22:F1}")));
}

double Rate(IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs)
{
    long batches = 0;
    Drain(loader, 2); // warm-up: native code paths and the JIT
    var clock = Stopwatch.StartNew();
    for (int e = 0; e < epochs; e++)
        batches += Drain(loader, int.MaxValue);
    clock.Stop();
    return batches / clock.Elapsed.TotalSeconds;
}

static long Drain(IEnumerable<(Tensor Data, Tensor Labels)> loader, int limit)
{
    long n = 0;
    foreach (var _ in loader) if (++n >= limit) break;
    return n;
}

void EpochShare(string name, torch.utils.data.Dataset dataset, int batchSize, Func<nn.Module<Tensor, Tensor>> network, int epochs)
{
    foreach (var kind in loaders)
    {
        var (seconds, share) = TrainEpochs(Loader(kind, dataset, batchSize, 2), network, epochs);
        Console.WriteLine($"{name} epoch, {kind + " DataLoader:",-32} {seconds:F2} s, {share,5:F1}% of it waiting for data (target < 10%)");
    }
}

(double Seconds, double SharePercent) TrainEpochs(IEnumerable<(Tensor Data, Tensor Labels)> loader, Func<nn.Module<Tensor, Tensor>> network, int epochs)
{
    torch.manual_seed(1);
    var model = network().to(device);
    var criterion = nn.NLLLoss();
    var optimizer = optim.SGD(model.parameters(), 0.003);

    TimeSpan waiting = TimeSpan.Zero, total = TimeSpan.Zero;
    for (int epoch = 0; epoch <= epochs; epoch++)   // epoch 0 warms up and is not counted
    {
        var epochClock = Stopwatch.StartNew();
        var dataClock = Stopwatch.StartNew();
        double loss = 0;
        using var enumerator = loader.GetEnumerator();
        while (enumerator.MoveNext())
        {
            dataClock.Stop();
            using (NewDisposeScope())
            {
                var (images, labels) = enumerator.Current;
                optimizer.zero_grad();
                var output = criterion.call(model.call(images), labels);
                output.backward();
                optimizer.step();
                loss += output.item<float>();
            }
            dataClock.Start();
        }
        dataClock.Stop();
        epochClock.Stop();
        if (epoch > 0)
        {
            waiting += dataClock.Elapsed;
            total += epochClock.Elapsed;
        }
    }
    return (total.TotalSeconds / epochs, 100 * waiting / total);
}
