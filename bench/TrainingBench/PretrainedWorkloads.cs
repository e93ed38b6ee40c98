using DeepLearningCourse.Data;
using DeepLearningCourse.Models;
using TorchSharp;
using TorchSharp.Modules;
using DataLoader = DeepLearningCourse.Data.DataLoader;
using static TorchSharp.torch;
using static Measurements;

/// <summary>
/// The workloads on the pretrained backbone, which here is the offline ResNet-18 (Backbone.Load falls back to it when
/// the course's network has no weight file): Section 2 Part 8's transfer learning, Section 3 Lesson 10's style
/// transfer, and the backbone's forward pass.
/// </summary>
static class PretrainedWorkloads
{
    /// <summary>
    /// Section 2 Part 8: one epoch over the Cat/Dog photo folder (decoded, turned, cropped, mirrored and prepared for
    /// the network as the loop goes; target 1.10x of the floor), the frozen backbone and the lesson's new classifier,
    /// NLL, Adam 0.003 on the classifier, batch 64. The lesson's test passes every 5 steps are not timed.
    /// </summary>
    public static void Transfer(Device device, int runs)
    {
        using var backbone = FrozenBackbone("densenet121", device);
        EpochWorkload.Measure("Transfer learning epoch (photo folder, batch 64)", PhotoFolder(backbone), batchSize: 64, shuffle: true, () =>
        {
            var classifier = nn.Sequential(
                ("fc1", nn.Linear(backbone.OutputWidth, 256)), ("relu", nn.ReLU()), ("dropout", nn.Dropout(0.2)),
                ("fc2", nn.Linear(256, 2)), ("output", nn.LogSoftmax(dim: 1)));
            var model = nn.Sequential(("features", backbone.Features), ("classifier", classifier)).to(device);
            return Training.Supervised(model, nn.NLLLoss(), optim.Adam(classifier.parameters(), lr: 0.003));
        }, device, runs, target: 1.10);
    }

    /// <summary>
    /// The backbone's forward pass over one batch of 64 photos as Part 8 prepares them: the library calls it as the
    /// lessons do (backbone.Features, its parameters frozen, autograd on); the floor is the bare network under no_grad.
    /// </summary>
    public static void Forward(Device device, int runs)
    {
        const string name = "Backbone forward (batch 64, 224×224)";
        using var backbone = FrozenBackbone("densenet121", device);
        var dataset = PhotoFolder(backbone);
        Console.WriteLine($"== {name}: {backbone.Description}; one batch of {dataset}");
        torch.manual_seed(7);
        var (images, _) = new DataLoader(dataset, batchSize: 64, shuffle: true, device: device).First();
        using var network = DnnImageFeaturizer.Load().to(device);
        network.eval();

        Seconds Library() => Time(() =>
        {
            using var scope = NewDisposeScope();
            backbone.Features.call(images);
        });
        Seconds Floor() => Time(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.call(images);
        });
        Compare(name, "forward", () => Library, Floor, runs);
        images.Dispose();
    }

    /// <summary>
    /// Section 3 Lesson 10: one optimisation step at the lesson's size (nagasaki-boats, longer side 400): features of
    /// the target image, the content and Gram-matrix style losses with the lesson's weights, backward to the image,
    /// Adam 0.003. The library is the lesson's step (the image back to pixels and prepared for the network by the
    /// library's transforms on every step, the loss read back); the floor computes the same losses, with the
    /// preparation, an affine map per channel of the flipped image, folded into two constants beforehand.
    /// </summary>
    public static void StyleTransfer(Device device, int runs)
    {
        const string name = "Style transfer step (longer side 400)";
        using var backbone = FrozenBackbone("vgg19", device);
        var normalize = Transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
        using var content = normalize.call(Photos.Load("nagasaki-boats", maxSide: 400)).unsqueeze(0).to(device);
        var (height, width) = ((int)content.shape[2], (int)content.shape[3]);
        using var style = normalize.call(Transforms.Resize(height, width).call(Photos.Load("march-pastoral"))).unsqueeze(0).to(device);
        Console.WriteLine($"== {name}: {backbone.Description}; content {height}×{width}");

        Tensor Gram(Tensor features)
        {
            var rows = features.view(features.shape[1], features.shape[2] * features.shape[3]);
            return torch.mm(rows, rows.t());
        }
        Dictionary<string, Tensor> contentFeatures, styleGrams;
        using (no_grad())
        {
            contentFeatures = backbone.GetFeatures(backbone.Normalize.call(normalize.Inverse(content)));
            var styleFeatures = backbone.GetFeatures(backbone.Normalize.call(normalize.Inverse(style)));
            styleGrams = backbone.StyleLayers.ToDictionary(layer => layer, layer => Gram(styleFeatures[layer]));
        }
        var styleWeights = backbone.StyleLayers.Zip([1, 0.75, 0.2, 0.2, 0.2]).ToDictionary(pair => pair.First, pair => pair.Second);

        Tensor TotalLoss(Dictionary<string, Tensor> features)
        {
            var contentLoss = torch.mean(torch.pow(features[backbone.ContentLayer] - contentFeatures[backbone.ContentLayer], 2));
            var styleLoss = torch.zeros(1, device: device);
            foreach (var (layer, weight) in styleWeights)
            {
                var feature = features[layer];
                styleLoss += weight * torch.mean(torch.pow(Gram(feature) - styleGrams[layer], 2)) / (feature.shape[1] * feature.shape[2] * feature.shape[3]);
            }
            return contentLoss + 1e6 * styleLoss;
        }

        // Steps from a fresh target image (the content, as in the lesson), given how the image becomes the network's input.
        Func<Seconds> Optimisation(Func<Tensor, Tensor> networkInput, bool readLoss)
        {
            var target = new Parameter(content.clone(), requires_grad: true);
            var optimizer = optim.Adam([target], lr: 0.003);
            return () => Time(() =>
            {
                using var scope = NewDisposeScope();
                var loss = TotalLoss(backbone.GetFeatures(networkInput(target)));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                if (readLoss) _ = loss.item<float>();
            });
        }

        // The preparation maps each channel of the flipped image affinely: its values at 0 and 1 give the constants.
        using var zeros = torch.zeros_like(content);
        using var ones = torch.ones_like(content);
        Tensor offset, scale;
        using (no_grad())
        {
            offset = backbone.Normalize.call(normalize.Inverse(zeros));
            scale = backbone.Normalize.call(normalize.Inverse(ones)) - offset;
        }
        var floor = Optimisation(image => image.flip(1) * scale + offset, readLoss: false);
        Compare(name, "step", () => Optimisation(image => backbone.Normalize.call(normalize.Inverse(image)), readLoss: true), floor, runs);
    }

    static Backbone FrozenBackbone(string courseNetwork, Device device)
    {
        var backbone = Backbone.Load(courseNetwork).to(device);
        foreach (var param in backbone.Features.parameters())
            param.requires_grad = false;
        return backbone;
    }

    /// <summary>The Cat/Dog training photos with Part 8's training transforms.</summary>
    static ImageFolder PhotoFolder(Backbone backbone) => Datasets.CatsAndDogs(train: true, transform: Transforms.Compose(
        Transforms.RandomRotation(30), Transforms.RandomResizedCrop(224), Transforms.RandomHorizontalFlip(), backbone.Normalize));
}
