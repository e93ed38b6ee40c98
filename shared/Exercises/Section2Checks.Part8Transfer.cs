using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 8: transfer learning.
public static partial class Section2Checks
{
    /// <summary>Part 8: the classifier trained on the frozen features; the library measures the test accuracy itself.</summary>
    public static Verdict TransferTraining(IReadOnlyList<double>? testAccuracy, nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> testloader, double atLeast = 0.6)
    {
        if (testAccuracy is null || testAccuracy.Count == 0) return Verdict.NotDone();
        if (!model.training) return Verdict.Wrong("the model is still in evaluation mode after training: call model.train() after each test pass, or dropout stays off.");
        var (_, predictions, accuracy) = MeasureAccuracy(model, testloader);
        model.train();
        if (predictions.Distinct().Count() == 1) return Verdict.Wrong($"every test photo is predicted as class {predictions[0]}: did you forget optimizer.zero_grad(), or step an optimiser over the wrong parameters?");
        if (Math.Abs(testAccuracy[^1] - accuracy) > 0.02) return Verdict.Wrong($"the last accuracy you recorded, {testAccuracy[^1]:F3}, is not the model's accuracy on the test photos ({accuracy:F3}): count the correct predictions over the whole test set and divide by its size.");
        if (accuracy < atLeast) return Verdict.Wrong($"test accuracy {accuracy:P0} is barely above guessing: is the optimizer stepping the classifier's parameters after loss.backward()?");
        return Verdict.Correct($"the classifier reaches {accuracy:P1} on the test photos, as the library measures it.");
    }
}
