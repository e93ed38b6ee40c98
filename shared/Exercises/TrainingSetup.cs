using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Exercises;

/// <summary>
/// What the checks of training exercises look at besides the trained model: the loss function's kind, and
/// the optimiser's kind, learning rate and parameters (the model's own, created after it moved to its device).
/// </summary>
static class TrainingSetup
{
    /// <summary>A hint when <paramref name="criterion"/> is not a <typeparamref name="TExpected"/>; <paramref name="asked"/> says what is.</summary>
    public static Verdict? CriterionMistake<TExpected>(nn.Module<Tensor, Tensor, Tensor> criterion, string asked) =>
        criterion is TExpected ? null : Verdict.Wrong($"the criterion is {criterion.GetType().Name}; {asked}");

    /// <summary>
    /// A hint when <paramref name="optimizer"/> is not a <typeparamref name="TExpected"/> (<paramref name="asked"/> names it),
    /// has another learning rate than <paramref name="learningRate"/> (set by the argument <paramref name="rateArgument"/>),
    /// or does not hold exactly the parameters of <paramref name="model"/>.
    /// </summary>
    public static Verdict? OptimizerMistake<TExpected>(optim.Optimizer optimizer, nn.Module model, string asked, double learningRate, string rateArgument)
    {
        if (optimizer is not TExpected) return Verdict.Wrong($"the optimiser is {optimizer.GetType().Name}; {asked}");
        var rate = optimizer.ParamGroups.First().LearningRate;
        if (Math.Abs(rate - learningRate) > 1e-12) return Verdict.Wrong($"the learning rate is {rate}; the course uses {learningRate} ({rateArgument}: {learningRate}).");
        var mine = model.parameters().Select(p => p.Handle).ToHashSet();
        if (!optimizer.parameters().Select(p => p.Handle).ToHashSet().SetEquals(mine))
            return Verdict.Wrong("the optimiser does not hold the model's parameters: create it from model.parameters(), after the model has moved to its device.");
        return null;
    }
}
