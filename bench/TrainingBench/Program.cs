using DeepLearningCourse;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

// Arguments: --threads N (torch's intra-op threads, default: the processor count), --runs N (the fewest timed epochs or
// steps per side, default 5; short ones get more, see Measurements.Compare), --workloads a,b,... (default: all).
// Workloads run in the order of this table, whatever the order asked for: the last, the LSTM, changes glibc's malloc
// for the rest of the process, as its lesson does.
var all = new Dictionary<string, Action<Device, int>>
{
    ["fashion"] = ImageWorkloads.Fashion,
    ["mnist"] = ImageWorkloads.Mnist,
    ["cifar"] = ImageWorkloads.Cifar,
    ["autoencoder"] = ImageWorkloads.Autoencoder,
    ["transfer"] = PretrainedWorkloads.Transfer,
    ["style"] = PretrainedWorkloads.StyleTransfer,
    ["backbone"] = PretrainedWorkloads.Forward,
    ["lstm"] = CharRnnWorkload.Measure,
};
int threads = Environment.ProcessorCount, runs = 5;
var workloads = all.Keys.ToList();
var usage = $"use --threads N, --runs N and --workloads with some of {string.Join(",", all.Keys)}";
for (int i = 0; i < args.Length; i += 2)
{
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value; {usage}");
    switch (args[i])
    {
        case "--threads": threads = int.Parse(value); break;
        case "--runs": runs = int.Parse(value); break;
        case "--workloads": workloads = [.. value.Split(',')]; break;
        default: throw new ArgumentException($"unknown argument {args[i]}; {usage}");
    }
}
var unknown = workloads.Except(all.Keys).ToList();
if (unknown.Count > 0) throw new ArgumentException($"unknown workload {string.Join(", ", unknown)}; {usage}");

TorchNative.Load();
torch.set_num_threads(threads);
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__}, {device.type}, {torch.get_num_threads()} threads, course mode {Course.Mode}");
foreach (var workload in all.Keys.Where(workloads.Contains))
    all[workload](device, runs);
