using DeepLearningCourse.Models;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// The offline ResNet-18 must compute what ML.NET's ONNX graphs compute: ONNX Runtime runs the
/// package's own preprocessing and network, and the TorchSharp conversion must agree with both.
/// </summary>
public class OfflineBackboneTests
{
    readonly ITestOutputHelper output;

    public OfflineBackboneTests(ITestOutputHelper output)
    {
        TorchFixture.Ensure();
        this.output = output;
    }

    // Reference: compared with ONNX Runtime, so run again under each lower ONEDNN_MAX_CPU_ISA cap.
    [Fact, Trait("Category", "Reference")]
    public void Conversion_matches_onnx_runtime_on_the_same_inputs()
    {
        var folder = OfflineWeights.Folder;
        using var backbone = Backbone.LoadOffline(folder);
        using var preprocess = new InferenceSession(Path.Combine(folder, DnnImageFeaturizer.PreprocessFile));
        using var network = new InferenceSession(Path.Combine(folder, DnnImageFeaturizer.ModelFile));

        var generator = new Generator(7);
        for (int image = 0; image < 2; image++)
        {
            using var scope = NewDisposeScope();
            // A smooth random image: natural images, unlike white noise, put the activations in the range photographs do.
            var rgb = nn.functional.interpolate(rand(1, 3, 28, 28, generator: generator), [224, 224], mode: InterpolationMode.Bilinear, align_corners: false);

            var expectedInput = RunOnnx(preprocess, rgb * 255);
            var input = backbone.Normalize.call(rgb);
            var inputDifference = MaxAbsDifference(input, expectedInput);
            Assert.InRange(inputDifference, 0, 1e-4);

            // Both networks get the very same tensor: ONNX Runtime's preprocessed image.
            var expected = RunOnnx(network, expectedInput).flatten(1);
            Tensor actual;
            using (no_grad()) actual = backbone.Features.call(expectedInput);
            Assert.Equal([1L, 512L], actual.shape);
            Assert.True(expected.abs().max().item<float>() > 0.1f, "the reference output is not trivially zero");
            var difference = MaxAbsDifference(actual, expected);
            output.WriteLine($"image {image}: preprocessing max |diff| {inputDifference:E2}, features max |diff| {difference:E2} (largest feature {expected.abs().max().item<float>():F3})");
            Assert.InRange(difference, 0, 1e-4);
        }
    }

    [Fact]
    public void Stage_outputs_have_resnet_shapes_and_gradients_reach_the_image_through_frozen_weights()
    {
        using var backbone = Backbone.LoadOffline(OfflineWeights.Folder);
        Assert.Equal(Backbone.OfflineName, backbone.Name);
        Assert.True(backbone.IsOffline);
        Assert.Equal(512, backbone.OutputWidth);
        Assert.Equal(["conv1", "layer1", "layer2", "layer3", "layer4"], backbone.StyleLayers);
        Assert.Equal("layer3", backbone.ContentLayer);

        // Freezing is the lesson's step, as in the course: the backbone's parameters start trainable.
        Assert.All(backbone.Features.parameters(), p => Assert.True(p.requires_grad));
        foreach (var parameter in backbone.Features.parameters()) parameter.requires_grad = false;

        using var scope = NewDisposeScope();
        var image = backbone.Normalize.call(rand(1, 3, 224, 224)).requires_grad_();
        var features = backbone.GetFeatures(image);
        Assert.Equal([1L, 64, 112, 112], features["conv1"].shape);
        Assert.Equal([1L, 64, 56, 56], features["layer1"].shape);
        Assert.Equal([1L, 128, 28, 28], features["layer2"].shape);
        Assert.Equal([1L, 256, 14, 14], features["layer3"].shape);
        Assert.Equal([1L, 512, 7, 7], features["layer4"].shape);

        // Style transfer optimises the image, so gradients must reach it through frozen weights.
        features["layer3"].pow(2).mean().backward();
        Assert.True(image.grad is not null && image.grad.abs().sum().item<float>() > 0);
        Assert.All(backbone.Features.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(backbone.Features.parameters(), p => Assert.True(p.grad is null));

        backbone.Features.train();
        Assert.False(backbone.Features.training);
        Assert.All(backbone.Features.modules(), m => Assert.False(m.training));

        Assert.Throws<ArgumentException>(() => backbone.GetFeatures(image, ["conv4_2"]));
    }

    [Fact]
    public void Normalisation_round_trips_and_resizes_the_mean_image_for_other_sizes()
    {
        using var backbone = Backbone.LoadOffline(OfflineWeights.Folder);
        using var scope = NewDisposeScope();
        var image = rand(3, 300, 400);
        var normalised = backbone.Normalize.call(image);
        Assert.Equal([3L, 300, 400], normalised.shape);
        Assert.InRange(MaxAbsDifference(backbone.Normalize.Inverse(normalised), image), 0, 1e-5);
        // Blue comes first, on the 0–255 scale, less a mean near ImageNet's blue mean (about 104).
        Assert.InRange((image[2] * 255 - normalised[0]).mean().item<float>(), 95, 116);
    }

    [Fact]
    public void Converts_once_then_loads_the_cached_torchsharp_file()
    {
        var folder = TemporaryFolder();
        foreach (var file in new[] { DnnImageFeaturizer.ModelFile, DnnImageFeaturizer.PreprocessFile })
            File.Copy(Path.Combine(OfflineWeights.Folder, file), Path.Combine(folder, file));
        try
        {
            using var scope = NewDisposeScope();
            var image = rand(2, 3, 224, 224);
            using var converted = DnnImageFeaturizer.Load(folder);
            var cache = Path.Combine(folder, DnnImageFeaturizer.CacheFile);
            Assert.True(File.Exists(cache));

            // With the ONNX files gone, only the cache can supply the weights.
            File.Delete(Path.Combine(folder, DnnImageFeaturizer.ModelFile));
            using var cached = DnnImageFeaturizer.Load(folder);
            using (no_grad()) Assert.Equal(0.0, MaxAbsDifference(cached.call(image), converted.call(image)));
            Assert.Equal(0.0, MaxAbsDifference(cached.MeanImage, converted.MeanImage));

            // A cache altered in place (same size) once loaded silently and gave NaN features;
            // now it is detected and rebuilt from the ONNX files.
            var intact = File.ReadAllBytes(cache);
            var damaged = (byte[])intact.Clone();
            for (int i = damaged.Length / 2; i < damaged.Length / 2 + 4096; i++) damaged[i] = 0xFF;
            File.WriteAllBytes(cache, damaged);
            File.Copy(Path.Combine(OfflineWeights.Folder, DnnImageFeaturizer.ModelFile), Path.Combine(folder, DnnImageFeaturizer.ModelFile));
            using var rebuilt = DnnImageFeaturizer.Load(folder);
            using (no_grad()) Assert.Equal(0.0, MaxAbsDifference(rebuilt.call(image), converted.call(image)));
            Assert.Equal(intact, File.ReadAllBytes(cache));
            File.Delete(Path.Combine(folder, DnnImageFeaturizer.ModelFile));

            // A damaged cache whose ONNX files are gone too reports their absence.
            File.WriteAllBytes(cache, [1, 2, 3]);
            var missing = Assert.Throws<FileNotFoundException>(() => DnnImageFeaturizer.Load(folder));
            Assert.Contains(DnnImageFeaturizer.ModelFile, missing.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Missing_or_corrupt_onnx_files_name_the_file_and_the_fetch_command()
    {
        var folder = TemporaryFolder();
        try
        {
            var missing = Assert.Throws<FileNotFoundException>(() => Backbone.LoadOffline(folder));
            Assert.Contains(Path.Combine(folder, DnnImageFeaturizer.ModelFile), missing.Message);
            Assert.Contains(WeightFiles.FetchCommand, missing.Message);

            // Right size, wrong bytes: only the checksum can tell.
            var model = Path.Combine(folder, DnnImageFeaturizer.ModelFile);
            var bytes = File.ReadAllBytes(Path.Combine(OfflineWeights.Folder, DnnImageFeaturizer.ModelFile));
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(model, bytes);
            File.Copy(Path.Combine(OfflineWeights.Folder, DnnImageFeaturizer.PreprocessFile), Path.Combine(folder, DnnImageFeaturizer.PreprocessFile));
            var corrupt = Assert.Throws<InvalidDataException>(() => Backbone.LoadOffline(folder));
            Assert.Contains(model, corrupt.Message);
            Assert.Contains("SHA-256", corrupt.Message);
            Assert.Contains(DnnImageFeaturizer.ModelSha256, corrupt.Message);
            Assert.Contains(WeightFiles.FetchCommand, corrupt.Message);
            Assert.False(File.Exists(Path.Combine(folder, DnnImageFeaturizer.CacheFile)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_course_network_falls_back_to_the_offline_backbone_and_says_so()
    {
        var folder = TemporaryFolder();
        foreach (var file in new[] { DnnImageFeaturizer.ModelFile, DnnImageFeaturizer.PreprocessFile })
            File.Copy(Path.Combine(OfflineWeights.Folder, file), Path.Combine(folder, file));
        try
        {
            using var backbone = Backbone.Load("densenet121", folder);
            Assert.True(backbone.IsOffline);
            Assert.Contains("ResNet-18", backbone.Description);
            Assert.Contains("stand-in", backbone.Description);
            Assert.Contains("densenet121", backbone.Description);
            Assert.Throws<ArgumentException>(() => Backbone.Load("alexnet", folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_fetch_command_pins_the_hashes_the_library_checks()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "tools", "fetch-weights"));
        Assert.Contains($"{DnnImageFeaturizer.ModelFile} tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx {DnnImageFeaturizer.ModelSha256}", script);
        Assert.Contains($"{DnnImageFeaturizer.PreprocessFile} tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx {DnnImageFeaturizer.PreprocessSha256}", script);
    }

    static Tensor RunOnnx(InferenceSession session, Tensor input)
    {
        var data = input.contiguous().data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var output = outputs[0];
        return tensor(output.GetTensorDataAsSpan<float>().ToArray()).reshape(output.GetTensorTypeAndShape().Shape);
    }

    static double MaxAbsDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    static string TemporaryFolder() => Directory.CreateTempSubdirectory("backbone-test-").FullName;
}
