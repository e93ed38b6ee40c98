using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Sequential = TorchSharp.Modules.Sequential;

namespace DeepLearningCourse.Models;

/// <summary>
/// The convolutional part of a ResNet built from basic blocks, without the ImageNet classifier:
/// it turns an image batch [N, 3, H, W] into a feature vector [N, 512]. Parameter names follow
/// torchvision's ResNet (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, …), so a reader can
/// compare it with its PyTorch twin line by line.
/// </summary>
/// <remarks>
/// The offline backbone's stage layout is [2, 2, 2, 3] blocks, one more in the last stage than
/// torchvision's resnet18, which is why this module exists instead of torchvision.models.resnet18.
/// </remarks>
public sealed class ResNetFeatures : Module<Tensor, Tensor>, IFeatureNetwork
{
    /// <summary>Names of the stage outputs, shallow to deep: the stem after its ReLU, then each stage.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["conv1", "layer1", "layer2", "layer3", "layer4"];

    readonly Module<Tensor, Tensor> conv1, bn1, maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;

    /// <summary>Blocks per stage, e.g. [2, 2, 2, 3].</summary>
    public IReadOnlyList<int> Blocks { get; }

    /// <summary>Width of the feature vector.</summary>
    public const int OutputWidth = 512;

    /// <summary>
    /// The per-pixel mean image (BGR, 0–255) that the network's training subtracted; a buffer so
    /// it travels with the weights and with <c>.to(device)</c>.
    /// </summary>
    public Tensor MeanImage => get_buffer("mean_image")!;

    public ResNetFeatures(IReadOnlyList<int> blocks, long meanImageSize = 224) : base(nameof(ResNetFeatures))
    {
        if (blocks.Count != 4) throw new ArgumentException($"A ResNet has four stages; got {blocks.Count}.", nameof(blocks));
        Blocks = blocks;
        conv1 = Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = Stage(64, 64, blocks[0], stride: 1);
        layer2 = Stage(64, 128, blocks[1], stride: 2);
        layer3 = Stage(128, 256, blocks[2], stride: 2);
        layer4 = Stage(256, 512, blocks[3], stride: 2);
        RegisterComponents();
        register_buffer("mean_image", zeros(1, 3, meanImageSize, meanImageSize));
    }

    static Sequential Stage(long inChannels, long outChannels, int blocks, long stride)
    {
        var stage = Sequential();
        for (int i = 0; i < blocks; i++)
            stage.append(new ResidualBlock(i == 0 ? inChannels : outChannels, outChannels, i == 0 ? stride : 1));
        return stage;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Stem(input).Then(maxpool.call).Then(layer1.call).Then(layer2.call).Then(layer3.call).Then(layer4.call);
        return x.Then(features => functional.adaptive_avg_pool2d(features, 1)).Then(pooled => pooled.flatten(1)).MoveToOuterDisposeScope();
    }

    Tensor IFeatureNetwork.Embed(Tensor input) => forward(input);

    Tensor Stem(Tensor input) => conv1.call(input).Then(bn1.call).relu_();

    IReadOnlyList<string> IFeatureNetwork.LayerNames => StageNames;

    Dictionary<string, Tensor> IFeatureNetwork.Run(Tensor input, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, Tensor>();
        var x = Stem(input);
        Keep("conv1", x);
        x = maxpool.call(x);
        var stages = new[] { layer1, layer2, layer3, layer4 };
        for (int i = 0; i < stages.Length && found.Count < wanted.Count; i++)
        {
            x = stages[i].call(x);
            Keep(StageNames[i + 1], x);
        }
        return found;

        void Keep(string name, Tensor value)
        {
            if (wanted.Contains(name)) found[name] = value;
        }
    }
}
