using DeepLearningCourse.Infrastructure;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;

namespace DeepLearningCourse;

/// <summary>
/// The course as a whole: the run mode, the data folder, the devices this machine has, and the result line
/// a lesson ends with. Lessons choose their device and seed themselves, as in PyTorch:
/// <c>torch.manual_seed(7); var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;</c>
/// </summary>
public static class Course
{
    /// <summary>Environment variable that selects the mode: <c>fast</c> for CI, anything else (or unset) for full.</summary>
    public const string ModeVariable = CourseSettings.ModeVariable;

    /// <summary>Environment variable that overrides where datasets and weights are cached.</summary>
    public const string DataVariable = CourseSettings.DataVariable;

    /// <summary>
    /// The mode this process runs in, read once: <see cref="ModeVariable"/> when it is set, else the repository's
    /// settings file (<c>course-settings.json</c>, the instructor's switch), else full.
    /// </summary>
    public static CourseMode Mode => CourseSettings.Mode;

    /// <summary>Reads a <see cref="ModeVariable"/> value; a typo fails loudly instead of silently running the full course.</summary>
    public static CourseMode ParseMode(string? value) => CourseSettings.ParseMode(value);

    /// <summary>
    /// The one line of set-up every lesson starts with (<c>shared/Course.dib</c> runs it in a notebook, and it is the
    /// first statement of every app in <c>apps/</c>): loads TorchSharp's native libraries, prepares how values are shown
    /// (a notebook's outputs, or the console and PNG files) and prints what runs the lesson, in which mode.
    /// </summary>
    public static void Setup() => LessonSetup.Setup();

    /// <summary>The data cache: <see cref="DataVariable"/> if set, else the repository's <c>data/</c> folder.</summary>
    public static string DataRoot => CourseSettings.DataRoot;

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
    /// Prints the lesson's result line: the measured <paramref name="value"/> of <paramref name="metric"/> beside the
    /// lesson's target (from <see cref="LessonTargets"/>), the data and pretrained weights it was measured with,
    /// and the mode. <c>tools/results</c> collects these lines into RESULTS.md. The target is not judged in fast
    /// mode (CI trains on a fraction of the data), nor on stand-in data or weights (the course's numbers were
    /// measured on its own): the line then says so. A value that is no result at all (not a number, or an accuracy
    /// below chance) is printed, then thrown as a <see cref="LessonResultException"/> in every mode, so the cell fails.
    /// For an accuracy, <paramref name="predictions"/> (how many it was measured on) lets a small test set score low by
    /// bad luck without failing.
    /// </summary>
    public static LessonResult Result(string lesson, string metric, double value, long? predictions = null, TextWriter? log = null)
    {
        var (data, standIn) = Provenance.Snapshot();
        var result = new LessonResult(LessonTargets.Find(lesson, metric), value, data, Mode, standIn, predictions);
        (log ?? Console.Out).WriteLine(result);
        return result.Fault is { } fault ? throw new LessonResultException(result, fault) : result;
    }
}
