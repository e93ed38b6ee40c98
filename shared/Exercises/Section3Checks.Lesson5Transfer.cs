using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;

namespace DeepLearningCourse.Exercises;

// Section 3, Lesson 5: transfer learning.
public static partial class Section3Checks
{
    /// <summary>Lesson 5: every parameter of the pretrained features has <c>requires_grad</c> switched off.</summary>
    public static Verdict Frozen(nn.Module features)
    {
        var parameters = features.parameters().ToList();
        var training = parameters.Count(p => p.requires_grad);
        if (training == parameters.Count) return Verdict.NotDone();
        if (training > 0) return Verdict.Wrong($"{training} of the {parameters.Count} pretrained parameters still require gradients: loop over every one of backbone.Features.parameters().");
        return Verdict.Correct($"all {parameters.Count} pretrained parameter tensors are frozen: backpropagation stops before them.");
    }

    /// <summary>
    /// Lesson 5: a new linear layer from the backbone's features (or, after a <paramref name="pretrained"/>
    /// classifier, its output) to the classes, at the end of the model; it and that classifier are the parts that train.
    /// </summary>
    public static Verdict NewLastLayer(Linear? last_layer, nn.Module<Tensor, Tensor>? model, long features, int classes, nn.Module? pretrained = null)
    {
        if (last_layer is null || model is null) return Verdict.NotDone();
        if (last_layer.out_features == 1000) return Verdict.Wrong($"the new layer has 1,000 outputs, ImageNet's classes; the flowers have {classes}: classes.Count.");
        if (last_layer.out_features != classes) return Verdict.Wrong($"the new layer has {last_layer.out_features} outputs; it needs one per flower class, {classes}.");
        if (last_layer.in_features != features)
            return Verdict.Wrong($"the new layer takes {last_layer.in_features} inputs, but {features} values per photo reach it: nn.Linear(backbone.ClassifierWidth, classes.Count).");
        var mine = last_layer.parameters().Concat(pretrained?.parameters() ?? []).Select(p => p.Handle).ToHashSet();
        var trainable = model.parameters().Where(p => p.requires_grad).Select(p => p.Handle).ToHashSet();
        if (!mine.IsSubsetOf(model.parameters().Select(p => p.Handle))) return Verdict.Wrong("last_layer is not part of the model: build the model from backbone.Features followed by last_layer.");
        if (!mine.IsSubsetOf(trainable)) return Verdict.Wrong("part of the classifier would not train: leave requires_grad on for backbone.Classifier and the new layer.");
        if (!trainable.SetEquals(mine)) return Verdict.Wrong($"{trainable.Count - mine.Count} tensors besides the classifier's would train: freeze the features first (the exercise above).");
        var photo = torch.randn(1, 3, 224, 224, generator: new Generator(7)).to(last_layer.weight!.device);
        Tensor scores;
        model.eval();
        using (torch.no_grad()) scores = model.call(photo);
        model.train();
        if (!scores.shape.SequenceEqual(new long[] { 1, classes })) return Verdict.Wrong($"a photo should come out as {classes} scores [1, {classes}], got {Shape(scores)}: the model is the features, then the classifier.");
        return Verdict.Correct(pretrained?.parameters().Any() == true
            ? $"the pretrained classifier and a new last layer, {features:N0} → {classes} classes, are the tensors that train."
            : $"{features:N0} features → {classes} classes; the new layer's weight and bias are the only tensors that train.");
    }
}
