using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 1: the MLP and its training loop with validation.
public static partial class Section3Checks
{
    /// <summary>Lesson 1: 784 → 512 → 512 → 10 with ReLU and dropout 0.2, returning raw scores.</summary>
    public static Verdict Mlp(nn.Module<Tensor, Tensor>? model)
    {
        if (model is null) return Verdict.NotDone();
        var linears = model.modules().OfType<Linear>().ToList();
        if (linears.Count == 0) return Verdict.NotDone();
        if (Layers(linears, [(784, 512), (512, 512), (512, 10)]) is { } wrong) return wrong;
        if (DropoutHint(model, 0.2) is { } noDropout) return noDropout;

        var device = linears[0].weight!.device;
        var images = torch.rand(4, 1, 28, 28, generator: new Generator(7)).to(device);
        var output = Run(model, images, "a batch [4, 1, 28, 28] does not reach fc1 as [4, 784]: flatten in forward with x = x.view(-1, 28 * 28).");
        if (output.Hint is { } hint) return hint;
        if (!output.Value!.shape.SequenceEqual(new long[] { 4, 10 })) return Verdict.Wrong($"for 4 images the output must be [4, 10], got {Shape(output.Value)}.");
        if (ProbabilityHint(output.Value) is { } probabilities) return probabilities;
        if (Affine(model, images)) return Verdict.Wrong("the network's output is an affine function of its input: a ReLU is missing after fc1 and after fc2.");
        if (!RandomInTraining(model, images)) return Verdict.Wrong("the outputs do not change from pass to pass in training mode: call dropout.call(...) after each hidden layer's ReLU in forward.");
        return Verdict.Correct("784 → 512 → 512 → 10 with ReLU and dropout 0.2, raw scores out for the cross-entropy loss.");
    }

    /// <summary>
    /// Lesson 1: the training loop that validates after every epoch and ends with the weights of the
    /// epoch with the lowest validation loss. The library measures the model's validation loss itself.
    /// </summary>
    /// <param name="train_losses">The learner's mean training loss per epoch.</param>
    /// <param name="valid_losses">The learner's mean validation loss per epoch.</param>
    /// <param name="best_state">The copy of the weights kept at the lowest validation loss.</param>
    /// <param name="model">The trained network (raw scores).</param>
    /// <param name="valid_loader">The validation loader.</param>
    /// <param name="n_epochs">How many epochs the loop was to run.</param>
    public static Verdict KeepBestWeights(IReadOnlyList<double>? train_losses, IReadOnlyList<double>? valid_losses, IReadOnlyDictionary<string, Tensor>? best_state,
        nn.Module<Tensor, Tensor>? model, IEnumerable<(Tensor Data, Tensor Labels)> valid_loader, int n_epochs)
    {
        if (train_losses is null || valid_losses is null || model is null || train_losses.Count + valid_losses.Count == 0) return Verdict.NotDone();
        if (train_losses.Count != n_epochs || valid_losses.Count != n_epochs)
            return Verdict.Wrong($"{train_losses.Count} training and {valid_losses.Count} validation losses for {n_epochs} epochs: add one of each per epoch, after its two passes.");
        if (train_losses.Concat(valid_losses).Any(l => !double.IsFinite(l))) return Verdict.Wrong("a loss became NaN or infinite: clear the gradients (optimizer.zero_grad()) before every backward pass.");
        if (train_losses[^1] >= train_losses[0]) return Verdict.Wrong($"the training loss did not fall ({train_losses[0]:F3} → {train_losses[^1]:F3}): is optimizer.step() called after loss.backward()?");
        if (best_state is null) return Verdict.Wrong("best_state is still null: whenever the validation loss reaches a new low, keep a copy of model.state_dict().");

        var live = model.state_dict();
        if (best_state.Any(kv => live.TryGetValue(kv.Key, out var p) && (ReferenceEquals(p, kv.Value) || p.Handle == kv.Value.Handle)))
            return Verdict.Wrong("best_state holds the model's live parameters, which went on changing after the best epoch: clone() each tensor you keep.");
        var measured = MeanLoss(model, valid_loader);
        var best = valid_losses.Min();
        if (best > 3 * measured + 0.5)
            return Verdict.Wrong($"the lowest validation loss you recorded, {best:F2}, is far above the model's loss per image ({measured:F3}): multiply each batch's mean loss by its size, add them up, and divide by valid_part.Count.");
        if (Close(measured, best)) return Verdict.Correct($"the model holds the weights of the epoch with the lowest validation loss ({best:F4}), as the library measures it ({measured:F4}).");
        if (Close(measured, valid_losses[^1])) return Verdict.Wrong("the model holds the last epoch's weights, not the best ones: after the loop, load the kept copy back with model.load_state_dict(best_state), and keep clone()s, not the live parameters.");
        return Verdict.Wrong($"the model's validation loss is {measured:F4}, which matches none of your epochs (lowest {best:F4}): keep a copy whenever valid_loss < valid_loss_min, and load it back after the loop.");
    }
}
