using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// The checks of Section 2's exercises. Each one recomputes the answer from the learner's own inputs
/// (their features, weights, model or loader), compares, and names the likely mistake when the two
/// differ. A <c>null</c> answer, or a stub that throws <see cref="NotImplementedException"/>, is not
/// done yet. Call them through <see cref="Exercise.Check"/>, as the generated check cells do.
/// </summary>
public static partial class Section2Checks
{
    // What the parts' checks share; each part's checks are in Section2Checks.Part*.cs.

    /// <summary>Mean NLL loss and predicted classes of the model on the first batch (or the whole loader), in evaluation mode.</summary>
    static (double Loss, List<long> Predictions) Measure(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader, bool flatten, bool wholeLoader = false)
    {
        var training = model.training;
        model.eval();
        double lossSum = 0;
        long seen = 0;
        var predictions = new List<long>();
        using (torch.no_grad())
        {
            foreach (var (images, labels) in wholeLoader ? loader : loader.Take(1))
            {
                using var scope = torch.NewDisposeScope();
                var input = flatten ? images.view(images.shape[0], -1) : images;
                var logps = model.call(input);
                lossSum += F.nll_loss(logps, labels).item<float>() * labels.shape[0];
                seen += labels.shape[0];
                predictions.AddRange(logps.argmax(1).cpu().data<long>());
            }
        }
        model.train(training);
        return (lossSum / seen, predictions);
    }

    static (double Loss, List<long> Predictions, double Accuracy) MeasureAccuracy(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Data, Tensor Labels)> loader)
    {
        model.eval();
        long correct = 0, seen = 0;
        double lossSum = 0;
        var predictions = new List<long>();
        using (torch.no_grad())
        {
            foreach (var (images, labels) in loader)
            {
                using var scope = torch.NewDisposeScope();
                var logps = model.call(images);
                lossSum += F.nll_loss(logps, labels).item<float>() * labels.shape[0];
                var predicted = logps.argmax(1);
                correct += predicted.eq(labels).sum().item<long>();
                seen += labels.shape[0];
                predictions.AddRange(predicted.cpu().data<long>());
            }
        }
        return (lossSum / seen, predictions, (double)correct / seen);
    }
}
