using DeepLearningCourse.Infrastructure;
using DeepLearningCourse.Infrastructure.Native;
using Microsoft.DotNet.Interactive;

namespace DeepLearningCourse;

/// <summary>What <see cref="Course.Setup"/> does, in a notebook kernel or in an app.</summary>
static class LessonSetup
{
    static bool fastSettingsApplied;

    /// <summary>
    /// Loads TorchSharp's native libraries, registers the course's display formatters (notebook outputs, and the
    /// console text of apps), has OpenCV's system libraries checked before its first call, has a notebook kernel in fast mode run the cells' fast-mode settings
    /// (<see cref="FastSettings"/>), and says what runs the lesson.
    /// </summary>
    public static void Setup()
    {
        var native = TorchNative.Load();
        // print(), str() and ToString() then show values the way PyTorch users expect.
        TorchSharp.torch.TensorStringStyle = TorchSharp.TensorStringStyle.Numpy;
        NotebookFormatters.Register();
        SystemLibraries.CheckOpenCvWhenLoaded();
        if (Course.Mode == CourseMode.Fast && !fastSettingsApplied && KernelInvocationContext.Current?.HandlingKernel is { } kernel)
        {
            FastSettings.RunAfterCells(kernel, Environment.CurrentDirectory);
            fastSettingsApplied = true;
        }
        // The first line every lesson prints: what runs it, and in which mode (CI's fast mode uses less data).
        var chosenBy = CourseSettings.ModeSource == CourseSettings.FileName ? $" (set by {CourseSettings.FileName})" : "";
        Console.WriteLine($"Course library ready | TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3)}, " +
            $"libtorch {TorchSharp.torch.__version__} ({native.Backend}) | CUDA available: {(TorchSharp.torch.cuda.is_available() ? "yes" : "no")} | {Course.Mode.ToString().ToLowerInvariant()} mode{chosenBy}");
    }
}
