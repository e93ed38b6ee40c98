using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 4: the Fashion-MNIST classifier.
public static partial class Section2Checks
{
    /// <summary>Part 4: a classifier from [N, 1, 28, 28] images to log-probabilities over 10 classes, with at least one hidden layer.</summary>
    public static Verdict Classifier(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        if (linears.Count < 2) return Verdict.Wrong("there is only one Linear layer: add at least one hidden layer between the 784 inputs and the 10 outputs.");
        var images = torch.randn(4, 1, 28, 28, generator: new Generator(7)).to(linears[0].weight!.device);
        Tensor output;
        using (torch.no_grad())
        {
            try { output = model.call(images); }
            catch (Exception e) when (e is not NotImplementedException && e.Message.Contains("shapes cannot be multiplied"))
            {
                return Verdict.Wrong("a batch [4, 1, 28, 28] does not reach the first layer as [4, 784]: flatten in forward with x = x.view(x.shape[0], -1).");
            }
        }
        if (!output.shape.SequenceEqual(new long[] { 4, 10 })) return Verdict.Wrong($"for 4 images the output must be [4, 10], got {Shape(output)}.");
        var values = Values(output);
        if (values.ge(0).all().item<bool>() && values.sum(1).allclose(torch.ones(4), atol: 1e-4))
            return Verdict.Wrong("the output rows are probabilities (softmax); NLLLoss needs their logarithm: return F.log_softmax(..., dim: 1).");
        if (!values.exp().sum(1).allclose(torch.ones(4), atol: 1e-4))
            return Verdict.Wrong("exp of the output rows does not sum to 1, so they are not log-probabilities: return F.log_softmax(fc_last.call(x), dim: 1).");
        return Verdict.Correct($"{linears.Count} Linear layers, [4, 1, 28, 28] images in, log-probabilities [4, 10] out.");
    }
}
