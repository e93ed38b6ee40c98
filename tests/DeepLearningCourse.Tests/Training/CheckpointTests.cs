using DeepLearningCourse.Training;
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

    static void Save(string path, nn.Module model, Mlp config)
    {
        using var checkpoint = new Checkpoint<Mlp>(config, model.state_dict());
        checkpoint.Save(path);
    }

    static void AssertUnchanged(nn.Module model, List<Tensor> before) =>
        Assert.All(model.parameters().Zip(before), pair => Assert.True(pair.First.eq(pair.Second.to(pair.First.dtype)).all().item<bool>()));

    [Fact]
    public void The_model_rebuilt_from_the_file_alone_predicts_identically()
    {
        var config = new Mlp(6, [8, 4], 3);
        var model = Build(config);
        Save(PathOf("m.ckpt"), model, config);

        using var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        var rebuilt = Build(loaded.Config);
        loaded.LoadInto(rebuilt);
        using var x = randn(5, 6);
        Assert.True(model.call(x).eq(rebuilt.call(x)).all().item<bool>());
        Assert.Equal([8, 4], loaded.Config.Hidden);
        Assert.Equal(model.state_dict().Keys, loaded.StateDict.Keys);
    }

    [Fact]
    public void ToString_shows_the_config_and_each_tensor_with_its_shape_and_dtype()
    {
        var config = new Mlp(6, [8], 3);
        using var checkpoint = new Checkpoint<Mlp>(config, Build(config).state_dict());
        var lines = checkpoint.ToString().Split(Environment.NewLine);
        // The hidden sizes show as numbers, not as "System.Int32[]".
        Assert.Matches(@"^Mlp \{.*\[8\].*\}$", lines[0]);
        Assert.Equal(["fc1.weight [8, 6] Float32", "fc1.bias [8] Float32", "output.weight [3, 8] Float32", "output.bias [3] Float32"], lines[1..]);
    }

    [Fact]
    public void Disposing_frees_the_tensors_it_loaded_but_not_those_it_was_given()
    {
        var config = new Mlp(6, [8], 3);
        var model = Build(config);
        var given = new Checkpoint<Mlp>(config, model.state_dict());
        given.Save(PathOf("m.ckpt"));
        given.Dispose();
        Assert.All(model.parameters(), p => Assert.NotEqual(IntPtr.Zero, p.Handle));

        var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        var tensors = loaded.StateDict.Values.ToList();
        loaded.Dispose();
        Assert.All(tensors, t => Assert.True(t.IsInvalid));
    }

    [Fact]
    public void Loading_into_another_architecture_names_the_file_and_parameter_and_changes_nothing()
    {
        Save(PathOf("m.ckpt"), Build(new Mlp(6, [8, 4], 3)), new Mlp(6, [8, 4], 3));
        var other = Build(new Mlp(6, [8, 5], 3));
        var before = other.parameters().Select(p => p.clone()).ToList();

        using var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        var error = Assert.Throws<InvalidDataException>(() => loaded.LoadInto(other));

        Assert.Contains(PathOf("m.ckpt"), error.Message);
        Assert.Contains("'fc2.weight' is [4, 8] Float32 there but [5, 8] Float32 in the model", error.Message);
        AssertUnchanged(other, before);
    }

    [Fact]
    public void A_dtype_mismatch_in_the_last_layer_is_found_before_any_layer_is_overwritten()
    {
        // Before the check covered dtypes, the first layers were copied and the last one then failed.
        var config = new Mlp(6, [8], 3);
        Save(PathOf("m.ckpt"), Build(config), config);
        var model = Build(config);
        model.named_children().Single(child => child.name == "output").module.to(ScalarType.Float64);
        var before = model.parameters().Select(p => p.clone()).ToList();

        using var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        var error = Assert.Throws<InvalidDataException>(() => loaded.LoadInto(model));

        Assert.Contains("'output.weight' is [3, 8] Float32 there but [3, 8] Float64 in the model", error.Message);
        AssertUnchanged(model, before);
    }

    [Fact]
    public void A_model_with_more_layers_reports_what_the_checkpoint_lacks()
    {
        Save(PathOf("m.ckpt"), Build(new Mlp(6, [8], 3)), new Mlp(6, [8], 3));
        using var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        var error = Assert.Throws<InvalidDataException>(() => loaded.LoadInto(Build(new Mlp(6, [8, 8], 3))));
        Assert.Contains("missing keys 'fc2.weight', 'fc2.bias'", error.Message);
    }

    [Fact]
    public void Truncated_corrupted_and_foreign_files_are_refused_naming_the_file()
    {
        var config = new Mlp(6, [8], 3);
        Save(PathOf("m.ckpt"), Build(config), config);
        var bytes = File.ReadAllBytes(PathOf("m.ckpt"));

        File.WriteAllBytes(PathOf("truncated.ckpt"), bytes[..(bytes.Length - 10)]);
        var truncated = Assert.Throws<InvalidDataException>(() => Checkpoint<Mlp>.Load(PathOf("truncated.ckpt")));
        Assert.Contains(PathOf("truncated.ckpt"), truncated.Message);
        Assert.Contains("truncated", truncated.Message);

        var flipped = (byte[])bytes.Clone();
        flipped[^20] ^= 0xFF;
        File.WriteAllBytes(PathOf("corrupt.ckpt"), flipped);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint<Mlp>.Load(PathOf("corrupt.ckpt"))).Message);

        File.WriteAllText(PathOf("other.ckpt"), "not a checkpoint");
        Assert.Contains("not a course checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint<Mlp>.Load(PathOf("other.ckpt"))).Message);

        Assert.Throws<FileNotFoundException>(() => Checkpoint<Mlp>.Load(PathOf("absent.ckpt")));
    }

    [Theory]
    [InlineData("\"DataLength\":", "\"DataLength\":99999999999999999999,")]   // overflowed an int before
    [InlineData("\"Tensors\":", "\"Tensors\":null,\"Ignored\":")]             // a NullReferenceException before
    [InlineData("\"Shape\":[8,6]", "\"Shape\":[4611686018427387904,6]")]
    [InlineData("\"DType\":\"Float32\"", "\"DType\":\"Float99\"")]
    [InlineData("\"Config\":{", "\"Config\":[],\"X\":{")]
    [InlineData("{\"ConfigType\"", "]{\"ConfigType\"")]
    public void A_hand_edited_header_gives_a_message_naming_the_file(string find, string replace)
    {
        var config = new Mlp(6, [8], 3);
        Save(PathOf("m.ckpt"), Build(config), config);
        File.WriteAllBytes(PathOf("edited.ckpt"), EditHeader(File.ReadAllBytes(PathOf("m.ckpt")), find, replace));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint<Mlp>.Load(PathOf("edited.ckpt")));
        Assert.Contains(PathOf("edited.ckpt"), error.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_config_type_is_refused()
    {
        var config = new Mlp(6, [8], 3);
        Save(PathOf("m.ckpt"), Build(config), config);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint<string>.Load(PathOf("m.ckpt")));
        Assert.Contains("config is a Mlp, not a String", error.Message);
    }

    /// <summary>The config class as it was when a checkpoint was saved, and as it is after a rename of two fields.</summary>
    public static class Before
    {
        public sealed record NetworkConfig(int InputSize, int Hidden, int OutputSize, Dropout Dropout);

        public sealed record Dropout(double P);
    }

    public static class After
    {
        public sealed record NetworkConfig(int InputSize, int HiddenWidth, int OutputSize, Dropout Dropout);

        public sealed record Dropout(double Probability);
    }

    [Fact]
    public void A_config_class_whose_fields_were_renamed_is_refused_naming_the_fields()
    {
        // Before, the checkpoint loaded as a config with HiddenWidth 0 and Probability 0.
        var model = Build(new Mlp(6, [8], 3));
        using (var checkpoint = new Checkpoint<Before.NetworkConfig>(new Before.NetworkConfig(6, 8, 3, new Before.Dropout(0.2)), model.state_dict()))
            checkpoint.Save(PathOf("m.ckpt"));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint<After.NetworkConfig>.Load(PathOf("m.ckpt")));

        Assert.Equal($"{PathOf("m.ckpt")}: the checkpoint's config does not have the fields of NetworkConfig: it has 'Hidden', which NetworkConfig lacks; " +
            "it lacks 'HiddenWidth', which NetworkConfig needs; it has 'P' in Dropout, which Dropout lacks; it lacks 'Probability' in Dropout, which Dropout needs. " +
            "The class was changed since the checkpoint was saved: load it with the NetworkConfig it was saved with, or save the checkpoint again.", error.Message);
        using var loaded = Checkpoint<Before.NetworkConfig>.Load(PathOf("m.ckpt"));
        Assert.Equal(new Before.NetworkConfig(6, 8, 3, new Before.Dropout(0.2)), loaded.Config);
    }

    [Fact]
    public void Saving_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        Save(PathOf("m.ckpt"), Build(new Mlp(6, [8], 3)), new Mlp(6, [8], 3));
        Save(PathOf("m.ckpt"), Build(new Mlp(6, [16], 3)), new Mlp(6, [16], 3));

        using var loaded = Checkpoint<Mlp>.Load(PathOf("m.ckpt"));
        Assert.Equal([16], loaded.Config.Hidden);
        Assert.Equal(["m.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    /// <summary>Rewrites the JSON header as a person with a text editor would, keeping the length field consistent.</summary>
    static byte[] EditHeader(byte[] file, string find, string replace)
    {
        var markerEnd = Array.IndexOf(file, (byte)'\n') + 1;
        var length = BitConverter.ToInt32(file, markerEnd);
        var header = System.Text.Encoding.UTF8.GetString(file, markerEnd + 4, length);
        Assert.Contains(find, header);
        var edited = System.Text.Encoding.UTF8.GetBytes(header.Replace(find, replace));
        return [.. file[..markerEnd], .. BitConverter.GetBytes(edited.Length), .. edited, .. file[(markerEnd + 4 + length)..]];
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
