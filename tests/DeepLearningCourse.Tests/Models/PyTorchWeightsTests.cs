using DeepLearningCourse.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Models;

/// <summary>
/// The course's networks load torchvision's PyTorch weight files key for key, and any file that
/// does not fit is refused with the offending key named.
/// </summary>
public class PyTorchWeightsTests
{
    public PyTorchWeightsTests() => TorchFixture.Ensure();

    /// <summary>
    /// torchvision's densenet121 state dict, written out from the architecture (Huang et al.,
    /// growth 32, bottleneck 4×32, blocks 6-12-24-16, transitions halving the width).
    /// </summary>
    static Dictionary<string, long[]> DenseNet121Layout()
    {
        var layout = new Dictionary<string, long[]> { ["features.conv0.weight"] = [64, 3, 7, 7] };
        void BatchNorm(string name, long channels)
        {
            foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" }) layout[$"{name}.{part}"] = [channels];
            layout[$"{name}.num_batches_tracked"] = [];
        }
        BatchNorm("features.norm0", 64);
        long width = 64;
        int[] blocks = [6, 12, 24, 16];
        for (int b = 1; b <= 4; b++)
        {
            for (int l = 1; l <= blocks[b - 1]; l++)
            {
                var layer = $"features.denseblock{b}.denselayer{l}";
                var inputs = width + (l - 1) * 32;
                BatchNorm($"{layer}.norm1", inputs);
                layout[$"{layer}.conv1.weight"] = [128, inputs, 1, 1];
                BatchNorm($"{layer}.norm2", 128);
                layout[$"{layer}.conv2.weight"] = [32, 128, 3, 3];
            }
            width += blocks[b - 1] * 32;
            if (b < 4)
            {
                BatchNorm($"features.transition{b}.norm", width);
                layout[$"features.transition{b}.conv.weight"] = [width / 2, width, 1, 1];
                width /= 2;
            }
        }
        BatchNorm("features.norm5", width);
        layout["classifier.weight"] = [1000, 1024];
        layout["classifier.bias"] = [1000];
        return layout;
    }

    [Fact]
    public void DenseNet121_has_torchvisions_keys_and_shapes()
    {
        using var network = new DenseNet121();
        var expected = DenseNet121Layout();
        var actual = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Empty(expected.Keys.Except(actual.Keys));
        Assert.Empty(actual.Keys.Except(expected.Keys));
        Assert.All(expected, kv => Assert.True(kv.Value.SequenceEqual(actual[kv.Key]), $"{kv.Key}: [{string.Join(", ", actual[kv.Key])}], expected [{string.Join(", ", kv.Value)}]"));
        // torchvision documents densenet121 at 7,978,856 parameters.
        Assert.Equal(7_978_856L, network.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void DenseNet121_forward_and_stage_shapes()
    {
        using var backbone = Backbone.Create("densenet121", new DenseNet121(), "random weights (test)");
        using var scope = NewDisposeScope();
        var image = randn(2, 3, 224, 224);
        using (no_grad())
        {
            Assert.Equal([2L, 1024], backbone.Features.call(image).shape);
            var stages = backbone.GetFeatures(image);
            Assert.Equal([2L, 64, 112, 112], stages["relu0"].shape);
            Assert.Equal([2L, 256, 56, 56], stages["denseblock1"].shape);
            Assert.Equal([2L, 512, 28, 28], stages["denseblock2"].shape);
            Assert.Equal([2L, 1024, 14, 14], stages["denseblock3"].shape);
            Assert.Equal([2L, 1024, 7, 7], stages["denseblock4"].shape);
        }
        Assert.Equal(1024, backbone.OutputWidth);
        Assert.Equal("densenet121", backbone.Name);
        Assert.False(backbone.IsOffline);

        using var network = new DenseNet121(numClasses: 10);
        network.eval();
        using (no_grad()) Assert.Equal([2L, 10], network.call(image).shape);
    }

    [Fact]
    public void Torchvisions_legacy_densenet_pth_loads_through_the_backbone()
    {
        // torchvision's published densenet121 file spells "norm1" as "norm.1" and predates
        // num_batches_tracked; this writes such a file from known weights.
        using var source = new DenseNet121();
        using (no_grad()) foreach (var (name, buffer) in source.named_buffers()) if (name.EndsWith("running_var")) buffer.uniform_(0.5, 1.5);
        source.eval();
        var legacy = new Dictionary<string, Tensor>();
        foreach (var (key, value) in source.state_dict())
        {
            if (key.EndsWith("num_batches_tracked")) continue;
            legacy[System.Text.RegularExpressions.Regex.Replace(key, @"(denselayer\d+\.(?:norm|conv))([12])\.", "$1.$2.")] = value;
        }
        Assert.Contains("features.denseblock1.denselayer1.norm.1.weight", legacy.Keys);

        var folder = Directory.CreateTempSubdirectory("densenet-").FullName;
        try
        {
            // Not named densenet121-a639ec97.pth: these bytes are not torchvision's, and that name's checksum prefix is checked.
            var file = Path.Combine(folder, "densenet121.pth");
            PyTorchPickler.PickleStateDict(file, legacy);
            Assert.Equal(file, Backbone.FindWeights("densenet121", folder));

            using var backbone = Backbone.Load("densenet121", folder);
            Assert.False(backbone.IsOffline);
            Assert.Contains(file, backbone.Description);
            using var scope = NewDisposeScope();
            var image = randn(1, 3, 64, 64);
            using (no_grad()) Assert.Equal(0f, (backbone.Features.call(image) - source.Embed(image)).abs().max().item<float>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Safetensors_files_load_too()
    {
        using var source = new DenseNet121();
        var folder = Directory.CreateTempSubdirectory("densenet-").FullName;
        try
        {
            var file = Path.Combine(folder, "densenet121.safetensors");
            source.save_safetensors(file);
            using var loaded = new DenseNet121();
            StateDicts.LoadInto(loaded, file);
            var expected = source.state_dict();
            Assert.All(loaded.state_dict(), kv => Assert.True(kv.Value.allclose(expected[kv.Key], rtol: 0, atol: 0), kv.Key));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_unexpected_or_misshapen_key_is_named()
    {
        using var network = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
        Dictionary<string, Tensor> Weights() => network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var scope = NewDisposeScope();

        var withoutBias = Weights();
        withoutBias.Remove("2.bias");
        var missing = Assert.Throws<InvalidDataException>(() => StateDicts.CopyInto(network, withoutBias, "small.pth"));
        Assert.Contains("small.pth", missing.Message);
        Assert.Contains("missing key '2.bias'", missing.Message);

        var extra = Weights();
        extra["3.weight"] = zeros(1);
        var unexpected = Assert.Throws<InvalidDataException>(() => StateDicts.CopyInto(network, extra, "small.pth"));
        Assert.Contains("unexpected key '3.weight'", unexpected.Message);

        var misshapen = Weights();
        misshapen["0.weight"] = zeros(3, 5);
        var before = network.state_dict()["0.weight"].clone();
        var shape = Assert.Throws<InvalidDataException>(() => StateDicts.CopyInto(network, misshapen, "small.pth"));
        Assert.Contains("'0.weight' is [3, 5] Float32 there but [3, 4] Float32 in the model", shape.Message);
        // Nothing is copied unless everything fits.
        Assert.True(network.state_dict()["0.weight"].allclose(before, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("densenet121.pth")]
    [InlineData("densenet121.safetensors")]
    public void Random_bytes_are_called_neither_old_format_nor_readable(string name)
    {
        // PyBridge used to call such a file "saved using the old PyTorch format".
        var folder = Directory.CreateTempSubdirectory("weights-").FullName;
        try
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11)).ToArray());
            var error = Assert.Throws<InvalidDataException>(() => StateDicts.Read(path));
            Assert.Contains(path, error.Message);
            Assert.DoesNotContain("old PyTorch format", error.Message);
            Assert.Contains("corrupt", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_course_weight_file_that_does_not_fit_fails_instead_of_falling_back()
    {
        var folder = Directory.CreateTempSubdirectory("densenet-").FullName;
        try
        {
            using var wrong = nn.Sequential(nn.Linear(4, 3));
            wrong.save_py(Path.Combine(folder, "densenet121.pth"));
            var error = Assert.Throws<InvalidDataException>(() => Backbone.Load("densenet121", folder));
            Assert.Contains("densenet121.pth", error.Message);
            Assert.Contains("'features.conv0.weight'", error.Message);
            Assert.Contains("unexpected keys", error.Message);
            Assert.Contains("'0.weight'", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Weight_files_are_found_by_torchvisions_names_only()
    {
        var folder = Directory.CreateTempSubdirectory("weights-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "vgg16_bn-6c64b313.pth"), []);
            File.WriteAllBytes(Path.Combine(folder, "vgg19.txt"), []);
            Assert.Null(Backbone.FindWeights("vgg16", folder));
            Assert.Null(Backbone.FindWeights("vgg19", folder));
            File.WriteAllBytes(Path.Combine(folder, "vgg16-397923af.pth"), []);
            Assert.Equal(Path.Combine(folder, "vgg16-397923af.pth"), Backbone.FindWeights("vgg16", folder));
            Assert.Null(Backbone.FindWeights("vgg16", Path.Combine(folder, "absent")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
