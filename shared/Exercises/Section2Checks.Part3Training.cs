using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 3: the loss and the training loop (its loop check serves Part 4 too).
public static partial class Section2Checks
{
    /// <summary>Part 3: a network ending in log-softmax, and its <c>NLLLoss</c> on one batch.</summary>
    public static Verdict LogSoftmaxLoss(nn.Module<Tensor, Tensor>? model, nn.Module<Tensor, Tensor, Tensor>? criterion, Tensor? loss, Tensor images, Tensor labels)
    {
        if (model is null || criterion is null || loss is null) return Verdict.NotDone();
        Tensor outputs;
        using (torch.no_grad()) outputs = model.call(images);
        var rowSums = Values(outputs).exp().sum(1);
        if (Values(outputs).ge(0).all().item<bool>() && Values(outputs).sum(1).allclose(torch.ones_like(rowSums), atol: 1e-4))
            return Verdict.Wrong("the model returns probabilities (it ends with Softmax); NLLLoss needs log-probabilities: end with nn.LogSoftmax(dim: 1).");
        if (!rowSums.allclose(torch.ones_like(rowSums), atol: 1e-4))
            return Verdict.Wrong("exp of the model's outputs does not sum to 1 per image, so they are not log-probabilities: end the model with nn.LogSoftmax(dim: 1).");
        var expected = F.nll_loss(Values(outputs), labels.cpu());
        if (criterion is not NLLLoss) return Verdict.Wrong($"the criterion is {criterion.GetType().Name}; with log-probabilities use nn.NLLLoss().");
        if (Same(loss.reshape(-1), expected.reshape(-1))) return Verdict.Correct($"the model returns log-probabilities and the loss is {Number(loss):F4}, about ln 10 for an untrained network.");
        return Verdict.Wrong($"the loss {Number(loss):F4} is not NLLLoss of the model's output on images and labels ({Number(expected):F4}): loss = criterion.call(model.call(images), labels).");
    }

    /// <summary>
    /// Parts 3 and 4: a training loop. <paramref name="losses"/> holds the mean training loss of each
    /// epoch; the library measures the trained model on a batch of <paramref name="loader"/> itself.
    /// </summary>
    /// <param name="losses">The learner's list of per-epoch mean losses.</param>
    /// <param name="model">The trained network; it returns log-probabilities.</param>
    /// <param name="loader">The training loader.</param>
    /// <param name="epochs">How many epochs the loop was to run.</param>
    /// <param name="flatten">Whether the network takes flattened images (Part 3) rather than [N, 1, 28, 28] (Part 4).</param>
    public static Verdict TrainingLosses(IReadOnlyList<double>? losses, nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> loader, int epochs, bool flatten = false)
    {
        if (losses is null || model is null || losses.Count == 0) return Verdict.NotDone();
        if (losses.Count != epochs) return Verdict.Wrong($"losses has {losses.Count} entries for {epochs} epochs: add one mean loss per epoch, after the loop over the batches.");
        if (losses.Any(l => !double.IsFinite(l))) return Verdict.Wrong("the loss became NaN or infinite: the learning rate is too high, or the gradients pile up (optimizer.zero_grad() before each backward).");
        var (measured, predictions) = Measure(model, loader, flatten);
        if (predictions.Distinct().Count() == 1) return Verdict.Wrong($"all predictions are class {predictions[0]}: did you forget optimizer.zero_grad()? Gradients that pile up push the network to one class.");
        if (losses[^1] > 3 * measured + 0.5) return Verdict.Wrong($"the last recorded loss, {losses[^1]:F1}, is far above the model's loss on a batch ({measured:F3}): divide running_loss by trainloader.Count to record the mean, not the sum.");
        if (measured > 1.0 || losses[^1] > 0.9 * losses[0])
            return Verdict.Wrong($"the loss did not fall below 1.0 in {epochs} epochs (now {measured:F3} on a batch): is the optimizer stepping (optimizer.step() after loss.backward())?");
        return Verdict.Correct($"the mean loss fell from {losses[0]:F3} to {losses[^1]:F3} over {epochs} epochs; the model scores {measured:F3} on a fresh batch.");
    }
}
