using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepLearningCourse.Models;

/// <summary>
/// A pretrained feature extractor whose batch-norm layers keep their ImageNet statistics even when a lesson
/// calls <c>model.train()</c> on the network it is part of (PyTorch would update them from the new photos,
/// slowly moving the features away from what the pretrained layers expect). Its parameters still ask for
/// gradients: freezing them is the lesson's step (<c>param.requires_grad = false</c>), as in the course.
/// </summary>
internal sealed class PretrainedFeatures : Module<Tensor, Tensor>
{
    readonly Module network;

    public PretrainedFeatures(Module network) : base("PretrainedFeatures")
    {
        if (network is not IFeatureNetwork) throw new ArgumentException($"{network.GetName()} cannot produce feature vectors.", nameof(network));
        this.network = network;
        register_module("network", network);
        base.train(false);
    }

    public override Tensor forward(Tensor input) => ((IFeatureNetwork)network).Embed(input);

    public override void train(bool on = true) => base.train(false);
}
