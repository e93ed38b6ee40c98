using DeepLearningCourse.Display;
using DeepLearningCourse.Infrastructure.Native;

namespace DeepLearningCourse;

/// <summary>What <c>shared/Course.dib</c> does once per notebook, after loading the library.</summary>
public static class Notebook
{
    /// <summary>Loads TorchSharp's native libraries, registers the course's display formatters and says what runs the lesson.</summary>
    public static void Setup()
    {
        var native = TorchNative.Load();
        // print(), str() and ToString() then show values the way PyTorch users expect.
        TorchSharp.torch.TensorStringStyle = TorchSharp.TensorStringStyle.Numpy;
        NotebookFormatters.Register();
        // The first line every lesson prints: what runs it, and in which mode (CI's fast mode uses less data).
        Console.WriteLine($"Course library ready | TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3)}, " +
            $"libtorch {TorchSharp.torch.__version__} ({native.Backend}) | CUDA available: {(TorchSharp.torch.cuda.is_available() ? "yes" : "no")} | {Course.Mode.ToString().ToLowerInvariant()} mode");
    }
}
