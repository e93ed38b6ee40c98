using DeepLearningCourse.Data;
using DeepLearningCourse.Display;
using DeepLearningCourse.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using TorchSharp;

namespace DeepLearningCourse;

/// <summary>
/// How the course's values appear in a notebook (and, through <see cref="ConsoleDisplay"/>, in an app). Part of the
/// notebook integration, beside <see cref="LessonSetup"/> which registers it: it names values from every layer
/// (pictures, loaders, training histories), so it sits above them rather than in <c>Display</c>.
/// </summary>
public static class NotebookFormatters
{
    static bool registered;

    /// <summary>
    /// Registers the formatters once: <see cref="PngImage"/> as <c>image/png</c>, tensors as their
    /// values in NumPy style (the default would only print their shape), networks layer by layer, loaders and
    /// training histories as their summaries.
    /// </summary>
    public static void Register()
    {
        if (registered) return;
        registered = true;

        Formatter.Register<PngImage>((image, writer) => writer.Write(Convert.ToBase64String(image.Bytes)), "image/png");
        Formatter.SetPreferredMimeTypesFor(typeof(PngImage), "image/png");

        Formatter.Register<torch.Tensor>((tensor, writer) => writer.Write(Describe(tensor)), "text/plain");
        Formatter.SetPreferredMimeTypesFor(typeof(torch.Tensor), "text/plain");

        Formatter.Register<torch.nn.Module>((module, writer) => writer.Write(ModuleSummary.Describe(module)), "text/plain");
        Formatter.SetPreferredMimeTypesFor(typeof(torch.nn.Module), "text/plain");

        // A loader is enumerable: without this the notebook would iterate a whole epoch to show it.
        Formatter.Register<DataLoader>((loader, writer) => writer.Write(loader.ToString()), "text/plain");
        Formatter.SetPreferredMimeTypesFor(typeof(DataLoader), "text/plain");

        // Trainer.Fit already showed the table in this cell's output; a cell ending with the history shows it once.
        Formatter.Register<TrainingHistory>((history, writer) =>
        {
            if (history.ShownBy is null || !ReferenceEquals(history.ShownBy, KernelInvocationContext.Current?.Command))
                writer.Write(history.ToString());
        }, "text/plain");
        Formatter.SetPreferredMimeTypesFor(typeof(TrainingHistory), "text/plain");
    }

    /// <summary>A tensor's values followed by its shape, dtype and device, as a learner wants to see it.</summary>
    public static string Describe(torch.Tensor tensor) =>
        $"{tensor.ToString(TensorStringStyle.Numpy)}\n[{string.Join(", ", tensor.shape)}], {tensor.dtype}, {tensor.device}";
}
