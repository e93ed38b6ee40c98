using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

namespace DeepLearningCourse;

/// <summary>How much work a lesson does: everything (learners) or a quick pass (CI).</summary>
public enum CourseMode { Full, Fast }

/// <summary>
/// The course's entry point: the run mode, the data folder and the one compute device.
/// Every lesson starts with <c>var device = Course.ChooseDevice(seed);</c>.
/// </summary>
public static class Course
{
    /// <summary>Environment variable that selects the mode: <c>fast</c> for CI, anything else (or unset) for full.</summary>
    public const string ModeVariable = "COURSE_MODE";

    /// <summary>Environment variable that overrides where datasets and weights are cached.</summary>
    public const string DataVariable = "COURSE_DATA";

    /// <summary>The mode this process runs in, read once from <see cref="ModeVariable"/>.</summary>
    public static CourseMode Mode { get; } = ParseMode(Environment.GetEnvironmentVariable(ModeVariable));

    /// <summary>Reads a <see cref="ModeVariable"/> value; a typo fails loudly instead of silently running the full course.</summary>
    public static CourseMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "full" => CourseMode.Full,
        "fast" => CourseMode.Fast,
        _ => throw new ArgumentException($"{ModeVariable}={value} is not a mode: use 'full' (the default) or 'fast'."),
    };

    /// <summary>True in CI's quick mode; lessons never test this themselves, the library does.</summary>
    public static bool IsFast => Mode == CourseMode.Fast;

    /// <summary>The number of epochs to train: <paramref name="full"/> normally, a single epoch in fast mode.</summary>
    public static int Epochs(int full) => IsFast ? Math.Min(full, 1) : full;

    /// <summary>The data cache: <see cref="DataVariable"/> if set, else the repository's <c>data/</c> folder.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } custom
        ? Path.GetFullPath(custom)
        : RepositoryData.Value;

    static readonly Lazy<string> RepositoryData = new(() =>
    {
        // The library lives in <repo>/shared/bin; notebooks run from <repo>/SectionN-*.
        foreach (var start in new[] { Path.GetDirectoryName(typeof(Course).Assembly.Location)!, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "shared", "DeepLearningCourse.csproj")))
                    return Path.Combine(dir.FullName, "data");
            }
        }
        throw new DirectoryNotFoundException($"Cannot find the course's data folder above {Environment.CurrentDirectory}; set {DataVariable}.");
    });

    static torch.Device? device;

    /// <summary>The device chosen by <see cref="ChooseDevice"/>; the library's loaders put batches there.</summary>
    public static torch.Device Device => device ?? throw new InvalidOperationException("Call Course.ChooseDevice() first.");

    /// <summary>The seed given to <see cref="ChooseDevice"/>; the library's shuffling and splits derive from it.</summary>
    public static int Seed { get; private set; } = 42;

    /// <summary>
    /// Loads TorchSharp, picks CUDA when a GPU is usable and the CPU otherwise, seeds every
    /// random generator the lessons use, and prints what it chose.
    /// </summary>
    public static torch.Device ChooseDevice(int seed = 42, TextWriter? log = null)
    {
        var native = TorchNative.Load();
        Seed = seed;
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;

        var where = device.type == DeviceType.CUDA
            ? $"CUDA ({torch.cuda.device_count()} GPU)"
            : $"CPU ({torch.get_num_threads()} threads)";
        (log ?? Console.Out).WriteLine(
            $"Device: {where} | TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, libtorch {torch.__version__} ({native.Backend}) | seed {seed} | {Mode.ToString().ToLowerInvariant()} mode");
        return device;
    }

    /// <summary>
    /// Every device this machine can compute on: the CPU first, then each usable CUDA GPU. Section 2
    /// Part 8 times a training step on each, so the same cell runs on a laptop and on a GPU machine.
    /// </summary>
    public static IReadOnlyList<torch.Device> AvailableDevices()
    {
        TorchNative.Load();
        var devices = new List<torch.Device> { torch.CPU };
        if (torch.cuda.is_available())
            for (int index = 0; index < torch.cuda.device_count(); index++) devices.Add(torch.device(DeviceType.CUDA, index));
        return devices;
    }

    /// <summary>
    /// Prints the lesson's measured result beside its target, in the form tools/results collects.
    /// In fast mode the target is not judged: CI trains on a fraction of the data.
    /// </summary>
    public static LessonResult Report(string lesson, string metric, double value, Target target, string data, int? epochs, TimeSpan wallTime, TextWriter? log = null)
    {
        var result = new LessonResult(lesson, metric, value, target, data, epochs, wallTime, Mode);
        (log ?? Console.Out).WriteLine(result);
        return result;
    }
}
