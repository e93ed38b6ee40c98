using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 5: validation and dropout.
public static partial class Section2Checks
{
    /// <summary>Part 5: training with a validation pass after each epoch; the library measures the test set itself.</summary>
    public static Verdict ValidationLosses(IReadOnlyList<double>? train_losses, IReadOnlyList<double>? test_losses, nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> testloader, int epochs)
    {
        if (train_losses is null || test_losses is null || model is null || train_losses.Count + test_losses.Count == 0) return Verdict.NotDone();
        if (train_losses.Count != epochs) return Verdict.Wrong($"train_losses has {train_losses.Count} entries for {epochs} epochs: add the epoch's mean training loss once per epoch.");
        if (test_losses.Count != epochs) return Verdict.Wrong($"test_losses has {test_losses.Count} entries for {epochs} epochs: after each epoch, run over testloader and add the mean test loss.");
        if (!model.training) return Verdict.Wrong("the model is still in evaluation mode: call model.train() after the validation pass, or dropout stays off for the next epoch.");
        var (measured, _) = Measure(model, testloader, flatten: false, wholeLoader: true);
        if (test_losses[^1] > 3 * measured + 0.5) return Verdict.Wrong($"the last test loss, {test_losses[^1]:F1}, is far above the model's mean test loss ({measured:F3}): divide the summed loss by the number of test images.");
        if (Math.Abs(test_losses[^1] - measured) > 0.05 + 0.1 * measured)
            return Verdict.Wrong($"the last test loss, {test_losses[^1]:F3}, differs from the model's loss on the whole test set ({measured:F3}): measure every test batch after the epoch's training, with the same criterion.");
        return Verdict.Correct($"{epochs} epochs, each validated: the last test loss {test_losses[^1]:F3} matches the model's loss on the whole test set ({measured:F3}).");
    }

    /// <summary>Part 5: the classifier with dropout of p = 0.2 after each hidden layer, random in training mode only.</summary>
    public static Verdict Dropout(nn.Module<Tensor, Tensor>? model, double p = 0.2)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        var images = torch.randn(4, 1, 28, 28, generator: new Generator(7)).to(linears[0].weight!.device);
        var dropouts = model.modules().OfType<TorchSharp.Modules.Dropout>().ToList();
        bool differsInTraining, differsInEval;
        Tensor output;
        using (torch.no_grad())
        {
            model.train();
            output = model.call(images);
            differsInTraining = !Same(output, model.call(images));
            model.eval();
            differsInEval = !Same(model.call(images), model.call(images));
            model.train();
        }
        if (dropouts.Count == 0 && !differsInTraining) return Verdict.Wrong("the network has no dropout: add a Dropout dropout = nn.Dropout(p: 0.2) field and apply it after each hidden layer's ReLU.");
        if (differsInEval) return Verdict.Wrong("the outputs are still random in evaluation mode: use the nn.Dropout module (it follows model.eval()), not F.dropout with training left on.");
        if (!differsInTraining) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) in forward.");
        if (!Values(output).exp().sum(1).allclose(torch.ones(4), atol: 1e-4)) return Verdict.Wrong("the outputs are not log-probabilities: end with F.log_softmax(..., dim: 1), with no dropout after it.");
        if (dropouts.Count > 0 && dropouts.Any(d => Math.Abs(d.p - p) > 1e-9))
            return Verdict.Wrong($"dropout has p = {dropouts[0].p}; this exercise asks for p = {p}.");
        return Verdict.Correct($"dropout (p = {p}) makes training passes random and is off in evaluation mode.");
    }
}
