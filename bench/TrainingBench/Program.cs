using System.Diagnostics;
using DeepLearningCourse;
using DeepLearningCourse.Data;
using DeepLearningCourse.Infrastructure.Native;
using DeepLearningCourse.Training;
using TorchSharp;
using TorchSharp.Modules;
using DataLoader = DeepLearningCourse.Data.DataLoader;
using static TorchSharp.torch;
using static Measurements;

// Arguments: --threads N (torch's intra-op threads, default: the processor count), --runs N (timed epochs or steps per
// side, default 5), --workloads fashion,lstm (default: both).
int threads = Environment.ProcessorCount, runs = 5;
string[] workloads = ["fashion", "lstm"];
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[i + 1]); break;
        case "--runs": runs = int.Parse(args[i + 1]); break;
        case "--workloads": workloads = args[i + 1].Split(','); break;
        default: throw new ArgumentException($"unknown argument {args[i]}; use --threads N, --runs N and --workloads fashion,lstm");
    }
}

TorchNative.Load();
torch.set_num_threads(threads);
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}, {device.type}, {torch.get_num_threads()} threads, course mode {Course.Mode}");

if (workloads.Contains("fashion"))
{
    var gray = Transforms.Normalize([0.5], [0.5]);
    Measure("Fashion-MNIST MLP epoch", Datasets.FashionMNIST(train: true, transform: gray), batchSize: 64,
        () => new Classifier(), model => optim.Adam(model.parameters(), lr: 0.003));
}
if (workloads.Contains("lstm"))
    CharRnnWorkload.Measure(device, runs);

// One workload: after a warm-up epoch (JIT, native code paths, the dataset's one-off conversion), the peak resident
// memory after each of 5 library epochs; then `runs` epochs of each side, interleaved so that a busy machine slows
// both alike. Prints the times, the medians and the fastest runs with their ratios, and the memory check.
void Measure(string name, InMemoryImageDataset dataset, int batchSize, Func<nn.Module<Tensor, Tensor>> network,
    Func<nn.Module<Tensor, Tensor>, optim.Optimizer> optimizerFor)
{
    Console.WriteLine($"== {name}: {dataset}");

    // The library: the lesson's own path, with a model of its own per call. The timed library and floor models
    // start together and train equally long: how far a model has trained can change its speed (denormal numbers).
    Func<Seconds> NewLibrary()
    {
        torch.manual_seed(7);
        var model = network().to(device);
        var trainer = new Trainer(model, nn.NLLLoss(), optimizerFor(model), device);
        var trainloader = new DataLoader(dataset, batchSize, shuffle: true, device: device);
        return () => Time(() => trainer.Fit(trainloader, 1, log: TextWriter.Null));
    }

    // The floor: the same model and optimiser, a tight loop over batches prepared before the clock starts.
    torch.manual_seed(7);
    var floorModel = network().to(device);
    var criterion = nn.NLLLoss();
    var floorOptimizer = optimizerFor(floorModel);
    var batches = InMemoryBatches(dataset, batchSize);
    Seconds Floor() => Time(() =>
    {
        foreach (var (images, labels) in batches)
        {
            using var scope = NewDisposeScope();
            floorOptimizer.zero_grad();
            criterion.call(floorModel.call(images), labels).backward();
            floorOptimizer.step();
        }
    });

    // Memory first, while the process runs nothing else: 5 library epochs in a row, after the warm-up.
    var memoryRun = NewLibrary();
    memoryRun();
    var peaks = new List<long>();
    for (int epoch = 1; epoch <= 5; epoch++)
    {
        memoryRun();
        peaks.Add(ResidentBytes("VmHWM"));
        Console.WriteLine($"memory, library epoch {epoch}: peak RSS {peaks[^1] / 1e6:F0} MB, RSS now {ResidentBytes("VmRSS") / 1e6:F0} MB");
    }

    var Library = NewLibrary();
    Library();
    Floor();
    var library = new List<Seconds>();
    var floor = new List<Seconds>();
    for (int run = 1; run <= runs; run++)
    {
        // Odd runs start with the library, even runs with the floor, so that neither always follows the other.
        if (run % 2 == 0) floor.Add(Floor());
        library.Add(Library());
        if (run % 2 == 1) floor.Add(Floor());
        Console.WriteLine($"run {run}: library {library[^1].Wall:F2} s ({library[^1].Cpu:F2} s of CPU), floor {floor[^1].Wall:F2} s ({floor[^1].Cpu:F2} s of CPU)");
    }
    double libraryWall = Median(library.Select(s => s.Wall)), floorWall = Median(floor.Select(s => s.Wall));
    double libraryCpu = Median(library.Select(s => s.Cpu)), floorCpu = Median(floor.Select(s => s.Cpu));
    Console.WriteLine($"median epoch: library {libraryWall:F2} s, floor {floorWall:F2} s, library/floor {libraryWall / floorWall:F2}x (target 1.05x)");
    // On a machine shared with other work, CPU time counts only the time the process actually ran.
    Console.WriteLine($"median CPU time per epoch: library {libraryCpu:F2} s, floor {floorCpu:F2} s, library/floor {libraryCpu / floorCpu:F2}x");
    // bench/run reads these two lines.
    Console.WriteLine($"SPEED|{name}|{torch.get_num_threads()}|{libraryWall:F2}|{floorWall:F2}|{libraryCpu:F2}|{floorCpu:F2}");
    var growth = (double)(peaks[4] - peaks[1]) / peaks[1];
    Console.WriteLine($"MEMORY|{name}|{string.Join(" ", peaks.Select(p => $"{p / 1e6:F0}"))}|{100 * growth:F1}|{(growth < 0.05 ? "flat" : "GROWS")}");

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
