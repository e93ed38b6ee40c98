using DeepLearningCourse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// TorchVision's VGG must have the state-dict layout torchvision's PyTorch files use, and the
/// backbone must name its layers as the style-transfer lesson does.
/// </summary>
public class VggTests
{
    public VggTests() => TorchFixture.Ensure();

    [Fact]
    public void Vgg16_has_torchvisions_keys_and_parameter_count()
    {
        using var vgg = torchvision.models.vgg16();
        var keys = vgg.state_dict().Keys.ToHashSet();
        // Convolutions sit between ReLUs and max pools: features.0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28.
        int[] convolutions = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
        var expected = convolutions.Select(i => $"features.{i}").Concat(new[] { 0, 3, 6 }.Select(i => $"classifier.{i}"))
            .SelectMany(layer => new[] { layer + ".weight", layer + ".bias" }).ToHashSet();
        Assert.Equal(expected.Order(), keys.Order());
        // torchvision documents vgg16 at 138,357,544 parameters.
        Assert.Equal(138_357_544L, vgg.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Vgg19_named_outputs_have_the_shapes_style_transfer_expects()
    {
        using var backbone = Backbone.Create("vgg19", torchvision.models.vgg19(), "random weights (test)");
        Assert.Equal(
            ["conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv3_4",
             "conv4_1", "conv4_2", "conv4_3", "conv4_4", "conv5_1", "conv5_2", "conv5_3", "conv5_4"],
            backbone.LayerNames);
        Assert.Equal(["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"], backbone.StyleLayers);
        Assert.Equal("conv4_2", backbone.ContentLayer);
        Assert.Equal(25_088, backbone.OutputWidth);
        Assert.Contains("vgg19", backbone.Description);

        using var scope = NewDisposeScope();
        var image = backbone.Normalize.call(rand(1, 3, 224, 224)).requires_grad_();
        var features = backbone.GetFeatures(image);
        Assert.Equal(6, features.Count);
        Assert.Equal([1L, 64, 224, 224], features["conv1_1"].shape);
        Assert.Equal([1L, 128, 112, 112], features["conv2_1"].shape);
        Assert.Equal([1L, 256, 56, 56], features["conv3_1"].shape);
        Assert.Equal([1L, 512, 28, 28], features["conv4_1"].shape);
        Assert.Equal([1L, 512, 28, 28], features["conv4_2"].shape);
        Assert.Equal([1L, 512, 14, 14], features["conv5_1"].shape);
        // Rectified, as the course's in-place ReLUs leave them.
        Assert.All(features.Values, f => Assert.True(f.min().item<float>() >= 0));

        features["conv4_2"].mean().backward();
        Assert.True(image.grad is not null && image.grad.abs().sum().item<float>() > 0);

        using (no_grad()) Assert.Equal([2L, 25_088], backbone.Features.call(randn(2, 3, 224, 224)).shape);
    }

    [Fact]
    public void ImageNet_normalisation_matches_torchvisions_constants()
    {
        using var backbone = Backbone.Create("vgg16", torchvision.models.vgg11(), "random weights (test)");
        using var scope = NewDisposeScope();
        var image = rand(2, 3, 8, 8);
        var expected = torchvision.transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]).call(image);
        Assert.True(backbone.Normalize.call(image).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.True(backbone.Normalize.Inverse(expected).allclose(image, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Vgg16s_classifier_without_its_last_layer_stays_trainable_when_the_features_are_frozen()
    {
        // Section 3 Lesson 5 trains what the course trains: all of VGG16's classifier, its last layer replaced.
        using var backbone = Backbone.Create("vgg16", torchvision.models.vgg16(), "random weights (test)");
        foreach (var param in backbone.Features.parameters()) param.requires_grad = false;

        Assert.True(backbone.HasPretrainedClassifier);
        Assert.Equal(4096, backbone.ClassifierWidth);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], backbone.Classifier.named_children().Select(c => c.name));
        // fc6 25,088 → 4,096 and fc7 4,096 → 4,096, with biases; the features keep only the convolutions.
        Assert.Equal(119_545_856L, backbone.Classifier.parameters().Where(p => p.requires_grad).Sum(p => p.numel()));
        Assert.Equal(14_714_688L, backbone.Features.parameters().Sum(p => p.numel()));

        using var scope = NewDisposeScope();
        backbone.Classifier.train();
        using (no_grad()) Assert.Equal([2L, 4096], backbone.Classifier.call(backbone.Features.call(randn(2, 3, 224, 224))).shape);
    }

    [Fact]
    public void Networks_without_a_pretrained_classifier_pass_the_features_on()
    {
        using var backbone = Backbone.Create("densenet121", new DenseNet121(), "random weights (test)");
        Assert.False(backbone.HasPretrainedClassifier);
        Assert.Equal(backbone.OutputWidth, backbone.ClassifierWidth);
        using var scope = NewDisposeScope();
        var features = randn(3, 1024);
        Assert.True(backbone.Classifier.call(features).allclose(features, rtol: 0, atol: 0));
    }
}
