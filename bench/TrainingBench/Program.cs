using System.Diagnostics;
using DeepLearningCourse;
using DeepLearningCourse.Data;
using DeepLearningCourse.Infrastructure.Native;
using DeepLearningCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using DataLoader = DeepLearningCourse.Data.DataLoader;
using static TorchSharp.torch;

// Arguments: --threads N (torch's intra-op threads, default: the processor count), --runs N (timed epochs per side, default 5).
int threads = Environment.ProcessorCount, runs = 5;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[i + 1]); break;
        case "--runs": runs = int.Parse(args[i + 1]); break;
        default: throw new ArgumentException($"unknown argument {args[i]}; use --threads N and --runs N");
    }
}

TorchNative.Load();
torch.set_num_threads(threads);
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}, {device.type}, {torch.get_num_threads()} threads, course mode {Course.Mode}");

var gray = Transforms.Normalize([0.5], [0.5]);
Measure("Fashion-MNIST MLP epoch", Datasets.FashionMNIST(train: true, transform: gray), batchSize: 64,
    () => new Classifier(), model => optim.Adam(model.parameters(), lr: 0.003));

// One workload: `runs` epochs of each side, interleaved so that a busy machine slows both alike, after one warm-up
// epoch of each (JIT, native code paths, the dataset's one-off conversion). Prints the times, the medians and their
// ratio, and the peak resident memory after each library epoch.
void Measure(string name, InMemoryImageDataset dataset, int batchSize, Func<nn.Module<Tensor, Tensor>> network,
    Func<nn.Module<Tensor, Tensor>, optim.Optimizer> optimizerFor)
{
    Console.WriteLine($"== {name}: {dataset}");

    // The library: the lesson's own path.
    torch.manual_seed(7);
    var model = network().to(device);
    var trainer = new Trainer(model, nn.NLLLoss(), optimizerFor(model), device);
    var trainloader = new DataLoader(dataset, batchSize, shuffle: true, device: device);
    double Library() => Time(() => trainer.Fit(trainloader, 1, log: TextWriter.Null));

    // The floor: the same model and optimiser, a tight loop over batches prepared before the clock starts.
    torch.manual_seed(7);
    var floorModel = network().to(device);
    var criterion = nn.NLLLoss();
    var floorOptimizer = optimizerFor(floorModel);
    var batches = InMemoryBatches(dataset, batchSize);
    double Floor() => Time(() =>
    {
        foreach (var (images, labels) in batches)
        {
            using var scope = NewDisposeScope();
            floorOptimizer.zero_grad();
            criterion.call(floorModel.call(images), labels).backward();
            floorOptimizer.step();
        }
    });

    Library();
    Floor();
    var library = new List<double>();
    var floor = new List<double>();
    var peaks = new List<long>();
    for (int run = 1; run <= runs; run++)
    {
        // Odd runs start with the library, even runs with the floor, so that neither always follows the other.
        if (run % 2 == 0) floor.Add(Floor());
        library.Add(Library());
        peaks.Add(PeakResidentBytes());
        if (run % 2 == 1) floor.Add(Floor());
        Console.WriteLine($"run {run}: library {library[^1]:F2} s, floor {floor[^1]:F2} s, peak RSS of the process after the library epoch {peaks[^1] / 1e6:F0} MB");
    }
    double libraryMedian = Median(library), floorMedian = Median(floor);
    Console.WriteLine($"median epoch: library {libraryMedian:F2} s, floor {floorMedian:F2} s, library/floor {libraryMedian / floorMedian:F2}x (target 1.05x)");
    // On a machine shared with other work the fastest run is the least disturbed one.
    Console.WriteLine($"fastest epoch: library {library.Min():F2} s, floor {floor.Min():F2} s, library/floor {library.Min() / floor.Min():F2}x");
    // bench/run reads these two lines.
    Console.WriteLine($"SPEED|{name}|{torch.get_num_threads()}|{libraryMedian:F2}|{floorMedian:F2}|{library.Min():F2}|{floor.Min():F2}");
    if (peaks.Count >= 4)
    {
        var growth = (double)(peaks[^1] - peaks[1]) / peaks[1];
        Console.WriteLine($"MEMORY|{name}|{string.Join(" ", peaks.Select(p => $"{p / 1e6:F0}"))}|{100 * growth:F1}|{(growth < 0.05 ? "flat" : "GROWS")}");
    }

    foreach (var (images, labels) in batches) { images.Dispose(); labels.Dispose(); }
}

// One shuffled epoch of batches, made up front from the dataset's own tensors (one gather per batch, as the loader's).
List<(Tensor, Tensor)> InMemoryBatches(InMemoryImageDataset dataset, int batchSize)
{
    var order = torch.randperm(dataset.Count).data<long>().ToArray();
    var batches = new List<(Tensor, Tensor)>();
    for (int start = 0; start < order.Length; start += batchSize)
    {
        using var scope = NewDisposeScope();
        var batch = ((IBatchedDataset)dataset).GetBatch(order[start..Math.Min(start + batchSize, order.Length)]);
        batches.Add((batch["data"].to(device).contiguous().DetachFromDisposeScope(), batch["label"].to(device).contiguous().DetachFromDisposeScope()));
    }
    return batches;
}

static double Time(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// The process's peak resident set size so far (VmHWM), in bytes.
static long PeakResidentBytes() =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"))["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;

/// <summary>Section 2 Part 4's classifier: 784-256-128-64-10 with ReLU and log-softmax.</summary>
sealed class Classifier : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1 = nn.Linear(784, 256), fc2 = nn.Linear(256, 128), fc3 = nn.Linear(128, 64), fc4 = nn.Linear(64, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = x.view(x.shape[0], -1);
        x = nn.functional.relu(fc1.call(x));
        x = nn.functional.relu(fc2.call(x));
        x = nn.functional.relu(fc3.call(x));
        return nn.functional.log_softmax(fc4.call(x), 1);
    }
}
