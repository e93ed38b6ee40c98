using DeepLearningCourse.Display;
using DeepLearningCourse.Infrastructure.Native;

namespace DeepLearningCourse;

/// <summary>What <c>shared/Course.dib</c> does once per notebook, after loading the library.</summary>
public static class Notebook
{
    /// <summary>Loads TorchSharp's native libraries and registers the course's display formatters.</summary>
    public static void Setup()
    {
        TorchNative.Load();
        // print(), str() and ToString() then show values the way PyTorch users expect.
        TorchSharp.torch.TensorStringStyle = TorchSharp.TensorStringStyle.Numpy;
        NotebookFormatters.Register();
    }
}
