using DeepLearningCourse.Training;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("checkpoint-test-").FullName;

    public CheckpointTests() => TorchFixture.Ensure();

    public sealed record Mlp(int Input, int[] Hidden, int Output);

    static nn.Module<Tensor, Tensor> Build(Mlp config)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = config.Input;
        for (int i = 0; i < config.Hidden.Length; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, config.Hidden[i])));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
            width = config.Hidden[i];
        }
        layers.Add(("output", nn.Linear(width, config.Output)));
        return nn.Sequential(layers);
    }

    string PathOf(string name) => Path.Combine(folder, name);

    [Fact]
    public void The_model_rebuilt_from_the_file_alone_predicts_identically()
    {
        var config = new Mlp(6, [8, 4], 3);
        var model = Build(config);
        Checkpoint.Save(PathOf("m.ckpt"), model, config);

        var rebuilt = Checkpoint.Load<Mlp, nn.Module<Tensor, Tensor>>(PathOf("m.ckpt"), Build);
        using var x = randn(5, 6);
        Assert.True(model.call(x).eq(rebuilt.call(x)).all().item<bool>());
        Assert.Equal([8, 4], Checkpoint.ReadHeader(PathOf("m.ckpt")).Config.Deserialize<Mlp>()!.Hidden);
    }

    [Fact]
    public void Loading_into_another_architecture_names_the_parameter_and_changes_nothing()
    {
        Checkpoint.Save(PathOf("m.ckpt"), Build(new Mlp(6, [8, 4], 3)), new Mlp(6, [8, 4], 3));
        var other = Build(new Mlp(6, [8, 5], 3));
        var before = other.parameters().Select(p => p.clone()).ToList();

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(PathOf("m.ckpt"), other));

        Assert.Contains("'fc2.weight' is [4, 8] in the checkpoint but [5, 8] in the model", error.Message);
        Assert.All(other.parameters().Zip(before), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
    }

    [Fact]
    public void A_model_with_more_layers_reports_what_the_checkpoint_lacks()
    {
        Checkpoint.Save(PathOf("m.ckpt"), Build(new Mlp(6, [8], 3)), new Mlp(6, [8], 3));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(PathOf("m.ckpt"), Build(new Mlp(6, [8, 8], 3))));
        Assert.Contains("the model's parameter 'fc2.weight' [8, 8] is not in the checkpoint", error.Message);
    }

    [Fact]
    public void Truncated_and_corrupted_files_are_refused_before_touching_the_model()
    {
        var config = new Mlp(6, [8], 3);
        Checkpoint.Save(PathOf("m.ckpt"), Build(config), config);
        var bytes = File.ReadAllBytes(PathOf("m.ckpt"));

        File.WriteAllBytes(PathOf("truncated.ckpt"), bytes[..(bytes.Length - 10)]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(PathOf("truncated.ckpt"), Build(config))).Message);

        var flipped = (byte[])bytes.Clone();
        flipped[^20] ^= 0xFF;
        File.WriteAllBytes(PathOf("corrupt.ckpt"), flipped);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(PathOf("corrupt.ckpt"), Build(config))).Message);

        File.WriteAllText(PathOf("other.ckpt"), "not a checkpoint");
        Assert.Contains("not a course checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(PathOf("other.ckpt"))).Message);

        Assert.Throws<FileNotFoundException>(() => Checkpoint.ReadHeader(PathOf("absent.ckpt")));
    }

    [Fact]
    public void Saving_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        Checkpoint.Save(PathOf("m.ckpt"), Build(new Mlp(6, [8], 3)), new Mlp(6, [8], 3));
        Checkpoint.Save(PathOf("m.ckpt"), Build(new Mlp(6, [16], 3)), new Mlp(6, [16], 3));

        Assert.Equal([16], Checkpoint.ReadHeader(PathOf("m.ckpt")).Config.Deserialize<Mlp>()!.Hidden);
        Assert.Equal(["m.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
