using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Sequential = TorchSharp.Modules.Sequential;

namespace DeepLearningCourse.Models;

/// <summary>
/// The convolutional part of a torchvision VGG (<c>features</c>, then <c>avgpool</c>; the classifier is left to
/// <see cref="Backbone.Classifier"/>), flattened to
/// a 25,088-wide vector, with its convolutions named as the style-transfer papers name them:
/// <c>conv1_1</c> is the first convolution of the first block, <c>conv4_2</c> the second of the fourth.
/// </summary>
/// <remarks>
/// A named output is the activation after the ReLU that follows the convolution. The course reads
/// its layers from torchvision's VGG, whose ReLUs work in place, so the tensor it stores for
/// <c>conv1_1</c> has been rectified by the time the loss uses it; this reproduces that.
/// </remarks>
internal sealed class VggFeatures : Module<Tensor, Tensor>, IFeatureNetwork
{
    /// <summary>Width of the flattened 512×7×7 feature map.</summary>
    public const int OutputWidth = 512 * 7 * 7;

    readonly Sequential features;
    readonly Module<Tensor, Tensor> avgpool;
    readonly string?[] names;

    public VggFeatures(TorchSharp.Modules.VGG vgg) : base(vgg.GetName() + "Features")
    {
        var children = vgg.named_children().ToDictionary(c => c.name, c => c.module);
        features = (Sequential)children["features"];
        avgpool = (Module<Tensor, Tensor>)children["avgpool"];
        // Only the convolutional part: the classifier belongs to the backbone's Classifier, which trains.
        register_module("features", features);
        register_module("avgpool", avgpool);

        names = new string?[features.Count];
        int block = 1, conv = 0;
        for (int i = 0; i < features.Count; i++)
        {
            switch (features[i])
            {
                case TorchSharp.Modules.Conv2d: conv++; break;
                case TorchSharp.Modules.MaxPool2d: block++; conv = 0; break;
                case TorchSharp.Modules.ReLU: names[i] = $"conv{block}_{conv}"; break;
            }
        }
        LayerNames = names.OfType<string>().ToList();
    }

    public IReadOnlyList<string> LayerNames { get; }

    public override Tensor forward(Tensor input) => Embed(input);

    public Tensor Embed(Tensor input)
    {
        using var scope = NewDisposeScope();
        return avgpool.call(features.call(input)).flatten(1).MoveToOuterDisposeScope();
    }

    public Dictionary<string, Tensor> Run(Tensor input, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, Tensor>();
        var x = input;
        for (int i = 0; i < features.Count && found.Count < wanted.Count; i++)
        {
            x = ((Module<Tensor, Tensor>)features[i]).call(x);
            if (names[i] is { } name && wanted.Contains(name)) found[name] = x;
        }
        return found;
    }
}
