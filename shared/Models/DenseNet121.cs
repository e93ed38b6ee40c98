using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Sequential = TorchSharp.Modules.Sequential;

namespace DeepLearningCourse.Models;

/// <summary>
/// DenseNet-121 (Huang et al., 2017) laid out exactly as torchvision's <c>densenet121</c>, so its
/// ImageNet state dict loads key for key: <c>features.conv0</c>, <c>features.norm0</c>,
/// <c>features.denseblock1.denselayer1.norm1</c> … <c>features.norm5</c>, <c>classifier</c>.
/// TorchVision for .NET has no DenseNet, hence this one.
/// </summary>
public sealed class DenseNet121 : Module<Tensor, Tensor>, IFeatureNetwork
{
    const long GrowthRate = 32, BottleneckWidth = 4 * GrowthRate, InitialWidth = 64;
    static readonly int[] LayersPerBlock = [6, 12, 24, 16];

    /// <summary>Width of the feature vector the classifier reads.</summary>
    public const int OutputWidth = 1024;

    /// <summary>Stage outputs, shallow to deep: the stem after its ReLU, then each dense block.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["relu0", "denseblock1", "denseblock2", "denseblock3", "denseblock4"];

    readonly Sequential features;
    readonly Module<Tensor, Tensor> classifier;

    public DenseNet121(int numClasses = 1000) : base(nameof(DenseNet121))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("conv0", Conv2d(3, InitialWidth, kernel_size: 7, stride: 2, padding: 3, bias: false)),
            ("norm0", BatchNorm2d(InitialWidth)),
            ("relu0", ReLU(inplace: true)),
            ("pool0", MaxPool2d(kernel_size: 3, stride: 2, padding: 1)),
        };
        var width = InitialWidth;
        for (int b = 0; b < LayersPerBlock.Length; b++)
        {
            layers.Add(($"denseblock{b + 1}", new DenseBlock(LayersPerBlock[b], width)));
            width += LayersPerBlock[b] * GrowthRate;
            if (b < LayersPerBlock.Length - 1)
            {
                layers.Add(($"transition{b + 1}", Transition(width, width / 2)));
                width /= 2;
            }
        }
        layers.Add(("norm5", BatchNorm2d(width)));
        features = Sequential(layers);
        classifier = Linear(width, numClasses);
        RegisterComponents();
    }

    /// <summary>ImageNet class scores [N, numClasses].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return classifier.call(Embed(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The 1024 features the classifier reads: ReLU, then global average pooling.</summary>
    public Tensor Embed(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(features.call(input));
        return functional.adaptive_avg_pool2d(x, 1).flatten(1).MoveToOuterDisposeScope();
    }

    IReadOnlyList<string> IFeatureNetwork.LayerNames => StageNames;

    Dictionary<string, Tensor> IFeatureNetwork.Run(Tensor input, IReadOnlySet<string> wanted)
    {
        var found = new Dictionary<string, Tensor>();
        var x = input;
        foreach (var (name, layer) in features.named_children())
        {
            if (found.Count == wanted.Count) break;
            x = ((Module<Tensor, Tensor>)layer).call(x);
            if (wanted.Contains(name)) found[name] = x;
        }
        return found;
    }

    static Sequential Transition(long inChannels, long outChannels) => Sequential(
        ("norm", BatchNorm2d(inChannels)),
        ("relu", ReLU(inplace: true)),
        ("conv", Conv2d(inChannels, outChannels, kernel_size: 1, bias: false)),
        ("pool", AvgPool2d(kernel_size: 2, stride: 2)));


    /// <summary>Each layer reads the concatenation of the block's input and every earlier layer's output.</summary>
    sealed class DenseBlock : Module<Tensor, Tensor>
    {
        readonly DenseLayer[] layers;

        public DenseBlock(int count, long inChannels) : base(nameof(DenseBlock))
        {
            layers = new DenseLayer[count];
            for (int i = 0; i < count; i++)
            {
                layers[i] = new DenseLayer(inChannels + i * GrowthRate);
                register_module($"denselayer{i + 1}", layers[i]);
            }
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var outputs = new List<Tensor> { input };
            foreach (var layer in layers) outputs.Add(layer.call(cat(outputs, 1)));
            return cat(outputs, 1).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Batch norm, ReLU, a 1×1 bottleneck to 128 channels, then a 3×3 convolution adding 32.</summary>
    sealed class DenseLayer : Module<Tensor, Tensor>
    {
        readonly Module<Tensor, Tensor> norm1, relu1, conv1, norm2, relu2, conv2;

        public DenseLayer(long inChannels) : base(nameof(DenseLayer))
        {
            norm1 = BatchNorm2d(inChannels);
            relu1 = ReLU(inplace: true);
            conv1 = Conv2d(inChannels, BottleneckWidth, kernel_size: 1, bias: false);
            norm2 = BatchNorm2d(BottleneckWidth);
            relu2 = ReLU(inplace: true);
            conv2 = Conv2d(BottleneckWidth, GrowthRate, kernel_size: 3, padding: 1, bias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = conv1.call(relu1.call(norm1.call(input)));
            return conv2.call(relu2.call(norm2.call(x))).MoveToOuterDisposeScope();
        }
    }
}
