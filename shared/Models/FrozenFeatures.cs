using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepLearningCourse.Models;

/// <summary>
/// A pretrained feature extractor that stays as it was trained: no parameter needs a gradient,
/// and batch norm keeps its ImageNet statistics even when a lesson calls <c>model.train()</c> on
/// the network it is part of (PyTorch would update them, slowly spoiling the features).
/// </summary>
internal sealed class FrozenFeatures : Module<Tensor, Tensor>
{
    readonly Module network;

    public FrozenFeatures(Module network) : base("FrozenFeatures")
    {
        if (network is not IFeatureNetwork) throw new ArgumentException($"{network.GetName()} cannot produce feature vectors.", nameof(network));
        this.network = network;
        register_module("network", network);
        foreach (var parameter in parameters()) parameter.requires_grad = false;
        base.train(false);
    }

    public override Tensor forward(Tensor input) => ((IFeatureNetwork)network).Embed(input);

    public override void train(bool on = true) => base.train(false);
}
