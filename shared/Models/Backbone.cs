using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// A pretrained ImageNet network, ready for transfer learning and style transfer: the course's own
/// network (densenet121, vgg16, vgg19) with torchvision's weights, which are downloaded into the data cache
/// on first use as torchvision does, otherwise (offline) the ResNet-18 the NuGet registry ships. Lessons
/// print <see cref="Description"/> so every run says which one ran, and why.
/// </summary>
/// <example>
/// <code>
/// var backbone = Backbone.Load("densenet121");
/// Console.WriteLine(backbone.Description);
/// foreach (var param in backbone.Features.parameters()) param.requires_grad = false;
/// var classifier = Sequential(("fc1", Linear(backbone.OutputWidth, 256)), ("relu", ReLU()), ("drop", Dropout(0.2)), ("fc2", Linear(256, 2)), ("output", LogSoftmax(1)));
/// var model = Sequential(("features", backbone.Features), ("classifier", classifier)).to(device);
/// var optimizer = optim.Adam(classifier.parameters(), lr: 0.003);
/// </code>
/// </example>
public sealed class Backbone : IDisposable
{
    /// <summary>The networks the course uses, by torchvision's names.</summary>
    public static readonly IReadOnlyList<string> CourseNetworks = ["densenet121", "vgg16", "vgg19"];

    /// <summary>The name of the offline backbone.</summary>
    public const string OfflineName = "resnet18-dnnimagefeaturizer";

    static readonly string[] weightExtensions = [".pth", ".pt", ".safetensors"];

    readonly IFeatureNetwork network;

    Backbone(string name, string description, nn.Module<Tensor, Tensor> network, int outputWidth, IInvertibleTransform normalize, IReadOnlyList<string> styleLayers, string contentLayer,
        TorchSharp.Modules.Sequential? classifier = null, int? classifierWidth = null)
    {
        Name = name;
        Description = description;
        this.network = (IFeatureNetwork)network;
        Features = new PretrainedFeatures(network);
        OutputWidth = outputWidth;
        Classifier = classifier ?? nn.Sequential();
        ClassifierWidth = classifierWidth ?? outputWidth;
        Normalize = normalize;
        StyleLayers = styleLayers;
        ContentLayer = contentLayer;
    }

    /// <summary>torchvision's name of the network that runs (<see cref="OfflineName"/> for the offline one).</summary>
    public string Name { get; }

    /// <summary>Which network runs, with which weights from where, and whether it stands in for the course's.</summary>
    public string Description { get; }

    /// <summary>True when this is the offline ResNet-18 standing in for the course's network.</summary>
    public bool IsOffline => Name == OfflineName;

    /// <summary>
    /// Images [N, 3, H, W], normalised by <see cref="Normalize"/>, to features [N, <see cref="OutputWidth"/>].
    /// Always in evaluation mode (batch norm keeps ImageNet's statistics); its parameters require gradients until
    /// the lesson freezes them, as transfer learning and style transfer do.
    /// </summary>
    public nn.Module<Tensor, Tensor> Features { get; }

    /// <summary>The width of <see cref="Features"/>' output, which a new classifier takes as input.</summary>
    public int OutputWidth { get; }

    /// <summary>
    /// The network's own pretrained classifier without its last layer, which maps to ImageNet's 1,000 classes:
    /// for VGG its first six layers (<c>classifier[0]</c> to <c>[5]</c>: two fully connected layers of 4,096 with
    /// ReLU and dropout), for what the course does to VGG16 in Section 3 Lesson 5, replacing only the last layer.
    /// Empty (it passes its input on) for the other networks: DenseNet's classifier is a single layer, and the
    /// offline ResNet-18's file ends at the pooled features. Unlike <see cref="Features"/> it trains normally
    /// (dropout on in training mode) and its parameters require gradients.
    /// </summary>
    public TorchSharp.Modules.Sequential Classifier { get; }

    /// <summary>The width of <see cref="Classifier"/>'s output (4,096 for VGG; <see cref="OutputWidth"/> when it is empty).</summary>
    public int ClassifierWidth { get; }

    /// <summary>Whether <see cref="Classifier"/> holds pretrained layers.</summary>
    public bool HasPretrainedClassifier => Classifier.Count > 0;

    /// <summary>What <see cref="Classifier"/> holds and so what trains with a new last layer, in one sentence a lesson prints.</summary>
    public string ClassifierDescription =>
        HasPretrainedClassifier
            ? $"{Name}'s own classifier without its last layer: {Classifier.Count} pretrained layers ({ClassifierLayers()}), which train with the new last layer"
            : IsOffline
                ? "the offline ResNet-18's file ends at its pooled features and holds no classifier: the new last layer is all there is to train"
                : $"{Name}'s classifier is a single layer, the one a new last layer replaces: the new layer is all there is to train";

    string ClassifierLayers() => string.Join(", ", Classifier.named_children().Select(c => c.module switch
    {
        TorchSharp.Modules.Linear linear => $"Linear {linear.in_features:N0} → {linear.out_features:N0}",
        var other => other.GetName(),
    }));

    /// <summary>
    /// The input preparation the network was trained with: apply it to RGB images in [0, 1]; its
    /// <see cref="IInvertibleTransform.Inverse"/> turns the network's input back into a picture.
    /// ImageNet's <see cref="Normalization"/> for the course's networks.
    /// </summary>
    public IInvertibleTransform Normalize { get; }

    /// <summary>Every layer <see cref="GetFeatures"/> can return, shallow to deep.</summary>
    public IReadOnlyList<string> LayerNames => network.LayerNames;

    /// <summary>
    /// The layers whose Gram matrices style transfer compares, shallow to deep: conv1_1, conv2_1,
    /// conv3_1, conv4_1, conv5_1 for VGG; for the others the stem and the four stage outputs, which
    /// sit at the same depths (1/2 … 1/32 of the input size).
    /// </summary>
    public IReadOnlyList<string> StyleLayers { get; }

    /// <summary>The layer style transfer keeps the content from: conv4_2 for VGG, the fourth stage otherwise.</summary>
    public string ContentLayer { get; }

    /// <summary>
    /// The activations of <paramref name="layers"/> (default: <see cref="StyleLayers"/> and
    /// <see cref="ContentLayer"/>) for a normalised image batch, running the network no further
    /// than the deepest one. Gradients flow back to <paramref name="image"/>.
    /// </summary>
    public Dictionary<string, Tensor> GetFeatures(Tensor image, IEnumerable<string>? layers = null)
    {
        var wanted = (layers ?? StyleLayers.Append(ContentLayer)).ToHashSet();
        var unknown = wanted.Except(LayerNames).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{Name} has no layer {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it has {string.Join(", ", LayerNames)}.", nameof(layers));
        using var scope = NewDisposeScope();
        var found = network.Run(image, wanted);
        foreach (var value in found.Values) value.MoveToOuterDisposeScope();
        return found;
    }

    /// <summary>Moves the network to <paramref name="device"/> (CPU or CUDA alike) and returns this backbone.</summary>
    public Backbone to(Device device)
    {
        Features.to(device);
        Classifier.to(device);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <inheritdoc/>
    public void Dispose()
    {
        Features.Dispose();
        Classifier.Dispose();
        (Normalize as IDisposable)?.Dispose();
    }

    /// <summary>
    /// The course's <paramref name="name"/> (densenet121, vgg16 or vgg19) with torchvision's ImageNet weights:
    /// a file for it in <paramref name="folder"/> (default: the data cache's <c>weights/</c>), else torchvision's
    /// own file, downloaded there now (checked against the hash prefix in its name). When it cannot be had
    /// the offline ResNet-18 runs, and its <see cref="Description"/> says why and which command gets the
    /// course's network. A weight file that is present but does not fit fails loudly rather than falling back.
    /// </summary>
    public static Backbone Load(string name, string? folder = null) => Load(name, folder, Downloader.Shared);

    internal static Backbone Load(string name, string? folder, Downloader downloader)
    {
        if (!CourseNetworks.Contains(name))
            throw new ArgumentException($"'{name}' is not one of the course's networks ({string.Join(", ", CourseNetworks)}).", nameof(name));
        folder ??= WeightFiles.Folder;
        var weights = FindWeights(name, folder);
        string? unavailable = null;
        if (weights is null)
        {
            try { weights = WeightFiles.Download(name, folder, downloader); }
            catch (DatasetUnavailableException e) { unavailable = $"downloading them failed: {e.Reason}"; }
            catch (IOException e) { unavailable = e is DataFormatException format ? format.Problem : e.Message; }
        }
        var backbone = weights is null
            ? LoadOffline(folder, $"offline stand-in: torchvision's {name} weights are not in {folder}, and {unavailable}. " +
                $"With a network, `{WeightFiles.FetchCommand}` (or this line, run again) gets them; a {name} .pth or .safetensors file put there is used too")
            : LoadPyTorch(name, weights, downloader);
        Provenance.Record(backbone.IsOffline ? $"offline ResNet-18 standing in for {name}" : $"pretrained {name}", backbone.IsOffline);
        return backbone;
    }

    /// <summary>The offline ResNet-18 (ML.NET's ImageNet featurizer) from <paramref name="folder"/>, fetched by tools/fetch-weights.</summary>
    public static Backbone LoadOffline(string? folder = null) => LoadOffline(folder ?? WeightFiles.Folder, null);

    /// <summary>
    /// The first file in <paramref name="folder"/> that holds <paramref name="name"/>'s weights:
    /// <c>{name}.pth</c> or torchvision's own file name such as <c>{name}-a639ec97.pth</c>
    /// (also <c>.pt</c> and <c>.safetensors</c>); null when there is none.
    /// </summary>
    public static string? FindWeights(string name, string folder) =>
        !Directory.Exists(folder) ? null :
        Directory.EnumerateFiles(folder)
            .Where(path =>
            {
                var file = Path.GetFileName(path);
                var extension = Path.GetExtension(file).ToLowerInvariant();
                var stem = Path.GetFileNameWithoutExtension(file);
                return weightExtensions.Contains(extension) && (stem == name || stem.StartsWith(name + "-", StringComparison.Ordinal));
            })
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();

    static Backbone LoadOffline(string folder, string? standIn)
    {
        var network = DnnImageFeaturizer.Load(folder);
        var description = $"ResNet-18 (blocks [{string.Join(", ", network.Blocks)}]) with ImageNet weights from ML.NET's Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, converted from ONNX to TorchSharp"
            + (standIn is null ? "" : $" — {standIn}");
        return new Backbone(OfflineName, description, network, ResNetFeatures.OutputWidth, new MeanImageBgrInput(network),
            ResNetFeatures.StageNames, ResNetFeatures.StageNames[3]);
    }

    static Backbone LoadPyTorch(string name, string weights, Downloader downloader)
    {
        var checkedByName = WeightFiles.VerifyAgainstName(weights, downloader);
        nn.Module<Tensor, Tensor> network = name switch
        {
            "densenet121" => new DenseNet121(),
            "vgg16" => torchvision.models.vgg16(),
            _ => torchvision.models.vgg19(),
        };
        try
        {
            StateDicts.LoadInto(network, weights);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return Create(name, network, $"torchvision's ImageNet weights from {weights}{(checkedByName ? " (SHA-256 matches the prefix in its name)" : "")}");
    }

    /// <summary>Wraps a course network whose weights are already in place; <paramref name="weights"/> says where they came from.</summary>
    internal static Backbone Create(string name, nn.Module<Tensor, Tensor> network, string weights)
    {
        var description = $"{name} with {weights}";
        return network switch
        {
            DenseNet121 densenet => new Backbone(name, description, densenet, DenseNet121.OutputWidth, Normalization.ImageNet(), DenseNet121.StageNames, DenseNet121.StageNames[3]),
            TorchSharp.Modules.VGG vgg => CreateVgg(name, description, vgg),
            _ => throw new ArgumentException($"{network.GetName()} is not a network the course uses as a backbone.", nameof(network)),
        };
    }

    /// <summary>VGG's convolutional part as <see cref="Features"/>, and its classifier without the last layer as <see cref="Classifier"/>.</summary>
    static Backbone CreateVgg(string name, string description, TorchSharp.Modules.VGG vgg)
    {
        var layers = ((TorchSharp.Modules.Sequential)vgg.named_children().Single(c => c.name == "classifier").module).named_children().ToList();
        var kept = layers.SkipLast(1).Select(l => (l.name, (nn.Module<Tensor, Tensor>)l.module)).ToArray();
        var classifier = nn.Sequential(kept);
        var width = (int)((TorchSharp.Modules.Linear)layers[^1].module).in_features;
        ((IDisposable)layers[^1].module).Dispose();
        return new Backbone(name, description, new VggFeatures(vgg), VggFeatures.OutputWidth, Normalization.ImageNet(),
            ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"], "conv4_2", classifier, width);
    }
}
