using DeepLearningCourse.Infrastructure.Onnx;
using DeepLearningCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Models;

/// <summary>
/// The course's offline pretrained backbone: the ResNet-18 ImageNet featurizer that ML.NET ships
/// as ONNX in NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK export).
/// Its weights are mapped onto <see cref="ResNetFeatures"/> once, by following the graph, and the
/// result is cached in TorchSharp's format beside the ONNX files.
/// </summary>
public static class DnnImageFeaturizer
{
    /// <summary>The network (convolutional part, 512 features after global average pooling).</summary>
    public const string ModelFile = "resnet18-dnnimagefeaturizer.onnx";

    /// <summary>The package's preprocessing graph, which holds the mean image the network expects subtracted.</summary>
    public const string PreprocessFile = "resnet18-dnnimagefeaturizer-preprocess.onnx";

    /// <summary>SHA-256 of the package's <c>ResNet18.onnx</c>; tools/fetch-weights pins the same value.</summary>
    public const string ModelSha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";

    /// <summary>SHA-256 of the package's <c>ResNetPreprocess.onnx</c>; tools/fetch-weights pins the same value.</summary>
    public const string PreprocessSha256 = "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004";

    /// <summary>Blocks per stage in the pinned file, as its graph lays them out (torchvision's resnet18 has [2, 2, 2, 2]).</summary>
    public static readonly IReadOnlyList<int> Blocks = [2, 2, 2, 3];

    /// <summary>
    /// The converted weights, a course checkpoint (its checksum catches damage) named after the ONNX
    /// file's hash so a different file never reuses them.
    /// </summary>
    public static readonly string CacheFile = $"resnet18-dnnimagefeaturizer-{ModelSha256[..12]}.ckpt";

    /// <summary>
    /// The pretrained network from the weights folder: the cached conversion when there is one and it
    /// verifies, else converted from the verified ONNX files and cached.
    /// </summary>
    public static ResNetFeatures Load(string? folder = null)
    {
        folder ??= WeightFiles.Folder;
        var cache = Path.Combine(folder, CacheFile);
        if (File.Exists(cache))
        {
            try
            {
                using var checkpoint = Checkpoint<int[]>.Load(cache);
                var cached = new ResNetFeatures(checkpoint.Config);
                try { checkpoint.LoadInto(cached); }
                catch { cached.Dispose(); throw; }
                cached.eval();
                return cached;
            }
            catch (InvalidDataException e)
            {
                // The cache is derived data: a damaged one (a killed write, a disk error) is rebuilt, and said so.
                Console.Error.WriteLine($"Rebuilding the converted ResNet-18: {e.Message}");
            }
        }

        var converted = Convert(
            WeightFiles.RequireVerified(Path.Combine(folder, ModelFile), ModelSha256),
            WeightFiles.RequireVerified(Path.Combine(folder, PreprocessFile), PreprocessSha256));
        using (var checkpoint = new Checkpoint<int[]>(converted.Blocks.ToArray(), converted.state_dict()))
            checkpoint.Save(cache);
        return converted;
    }

    /// <summary>
    /// Maps the ONNX network's weights onto a <see cref="ResNetFeatures"/> by walking its graph
    /// from the input: stem, then one residual block per <c>Add</c> node. Initialiser names are
    /// opaque, so nothing is matched by name; every operator's kind, kernel, stride and padding is
    /// checked against what the TorchSharp module computes.
    /// </summary>
    public static ResNetFeatures Convert(string modelPath, string preprocessPath)
    {
        var graph = OnnxGraph.Read(modelPath);
        var walk = new GraphWalk(graph, modelPath);
        var weights = new Dictionary<string, float[]>();
        var shapes = new Dictionary<string, long[]>();

        var input = graph.DataInputs.Single().Name;
        var stemConv = walk.Consumer(input, "Conv");
        walk.Take(stemConv, "conv1", weights, shapes, kernel: 7, stride: 2, padBegin: 3);
        var stemBn = walk.Consumer(stemConv.Outputs[0], "BatchNormalization");
        walk.TakeBatchNorm(stemBn, "bn1", weights, shapes);
        var stemRelu = walk.Consumer(stemBn.Outputs[0], "Relu");
        var pool = walk.Consumer(stemRelu.Outputs[0], "MaxPool");
        walk.Expect(pool, pool.Ints("kernel_shape").SequenceEqual([3L, 3L]) && pool.Ints("strides").SequenceEqual([2L, 2L]) && pool.Ints("pads") is [1, 1, _, _], "a 3×3 max pool with stride 2 and padding 1");

        var blockInput = pool.Outputs[0];
        var blocks = new List<int>();
        var channels = 64L;
        while (true)
        {
            var firstConv = walk.Consumers(blockInput).FirstOrDefault(n => n.OpType == "Conv" && graph.Initializers[n.Inputs[1]].Dims[2] == 3);
            if (firstConv is null) break;
            var width = graph.Initializers[firstConv.Inputs[1]].Dims[0];
            var stride = firstConv.Ints("strides")[0];
            if (width != channels || blocks.Count == 0)
            {
                blocks.Add(0);
                channels = width;
            }
            var prefix = $"layer{blocks.Count}.{blocks[^1]}";
            blocks[^1]++;

            walk.Take(firstConv, prefix + ".conv1", weights, shapes, kernel: 3, stride: stride, padBegin: 1);
            var bn1 = walk.Consumer(firstConv.Outputs[0], "BatchNormalization");
            walk.TakeBatchNorm(bn1, prefix + ".bn1", weights, shapes);
            var conv2 = walk.Consumer(walk.Consumer(bn1.Outputs[0], "Relu").Outputs[0], "Conv");
            walk.Take(conv2, prefix + ".conv2", weights, shapes, kernel: 3, stride: 1, padBegin: 1);
            var bn2 = walk.Consumer(conv2.Outputs[0], "BatchNormalization");
            walk.TakeBatchNorm(bn2, prefix + ".bn2", weights, shapes);
            var add = walk.Consumer(bn2.Outputs[0], "Add");

            var shortcut = add.Inputs.Single(v => v != bn2.Outputs[0]);
            if (shortcut != blockInput)
            {
                var downBn = walk.Producer(shortcut, "BatchNormalization");
                var downConv = walk.Producer(downBn.Inputs[0], "Conv");
                walk.Expect(downConv, downConv.Inputs[0] == blockInput, "a shortcut convolution reading the block's input");
                walk.Take(downConv, prefix + ".downsample.0", weights, shapes, kernel: 1, stride: stride, padBegin: 0);
                walk.TakeBatchNorm(downBn, prefix + ".downsample.1", weights, shapes);
            }
            blockInput = walk.Consumer(add.Outputs[0], "Relu").Outputs[0];
        }

        var average = walk.Consumer(blockInput, "AveragePool");
        walk.Expect(average, graph.Outputs.Single().Name == average.Outputs[0] && average.Ints("kernel_shape").SequenceEqual([7L, 7L]), "a 7×7 average pool over the last stage (global at 224×224) that is the graph's output");
        if (!blocks.SequenceEqual(Blocks))
            throw new InvalidDataException($"{modelPath} lays out its residual blocks as [{string.Join(", ", blocks)}], not [{string.Join(", ", Blocks)}].");

        var network = new ResNetFeatures(blocks);
        using (var scope = NewDisposeScope())
        {
            var tensors = weights.ToDictionary(kv => kv.Key, kv => tensor(kv.Value).reshape(shapes[kv.Key]));
            tensors["mean_image"] = ReadMeanImage(preprocessPath);
            StateDicts.CopyInto(network, tensors, modelPath);
        }
        network.eval();
        return network;
    }

    /// <summary>
    /// Reads the preprocessing graph: split the RGB input into channels, concatenate them as BGR,
    /// subtract a mean image. Returns that mean image, BGR, on the 0–255 pixel scale.
    /// </summary>
    static Tensor ReadMeanImage(string path)
    {
        var graph = OnnxGraph.Read(path);
        var walk = new GraphWalk(graph, path);
        var split = walk.Consumer(graph.DataInputs.Single().Name, "Split");
        var concat = walk.Consumer(split.Outputs[0], "Concat");
        walk.Expect(concat, concat.Inputs.SequenceEqual(split.Outputs.Reverse()) && concat.Int("axis", 0) == 1 && split.Int("axis", 0) == 1, "channels reordered from RGB to BGR");
        var subtract = walk.Consumer(concat.Outputs[0], "Sub");
        walk.Expect(subtract, subtract.Inputs[0] == concat.Outputs[0] && graph.Initializers.ContainsKey(subtract.Inputs[1]), "a constant mean image subtracted");
        var mean = graph.Initializers[subtract.Inputs[1]];
        return tensor(mean.Floats).reshape(mean.Dims);
    }

    /// <summary>Navigation over the graph's values, with errors that say which node broke the expected layout.</summary>
    sealed class GraphWalk(OnnxGraph graph, string path)
    {
        readonly ILookup<string, OnnxNode> consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        readonly Dictionary<string, OnnxNode> producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);

        public IEnumerable<OnnxNode> Consumers(string value) => consumers[value];

        public OnnxNode Consumer(string value, string opType) =>
            consumers[value].SingleOrDefault(n => n.OpType == opType)
            ?? throw Unexpected($"one {opType} node reading '{value}'");

        public OnnxNode Producer(string value, string opType) =>
            producers.TryGetValue(value, out var node) && node.OpType == opType ? node : throw Unexpected($"'{value}' to come from a {opType} node");

        public void Expect(OnnxNode node, bool holds, string what)
        {
            if (!holds) throw Unexpected($"{what} at node {node.Name} ({node.OpType})");
        }

        public void Take(OnnxNode conv, string name, Dictionary<string, float[]> weights, Dictionary<string, long[]> shapes, long kernel, long stride, long padBegin)
        {
            // CNTK pads stride-2 layers asymmetrically ([1, 1, 0, 0]); at even sizes the extra end
            // padding a symmetric PyTorch layer adds is never read, so only the start must agree.
            var pads = conv.Ints("pads");
            Expect(conv, conv.Inputs.Count == 2 && conv.Int("group", 1) == 1
                && conv.Ints("kernel_shape").SequenceEqual([kernel, kernel])
                && conv.Ints("strides").SequenceEqual([stride, stride])
                && conv.Ints("dilations").All(d => d == 1)
                && pads.Count == 4 && pads[0] == padBegin && pads[1] == padBegin,
                $"a bias-free {kernel}×{kernel} convolution with stride {stride} and padding {padBegin}");
            Store(conv.Inputs[1], name + ".weight", weights, shapes);
        }

        public void TakeBatchNorm(OnnxNode bn, string name, Dictionary<string, float[]> weights, Dictionary<string, long[]> shapes)
        {
            Expect(bn, bn.Inputs.Count == 5 && Math.Abs(bn.Float("epsilon", 1e-5f) - 1e-5f) < 1e-9f, "a batch norm with epsilon 1e-5, as TorchSharp's BatchNorm2d uses");
            string[] parts = ["weight", "bias", "running_mean", "running_var"];
            for (int i = 0; i < parts.Length; i++) Store(bn.Inputs[i + 1], $"{name}.{parts[i]}", weights, shapes);
        }

        void Store(string initializer, string name, Dictionary<string, float[]> weights, Dictionary<string, long[]> shapes)
        {
            if (!graph.Initializers.TryGetValue(initializer, out var value) || value.DataType != OnnxTensor.FloatType)
                throw Unexpected($"'{initializer}' to be a float initialiser");
            weights[name] = value.Floats;
            shapes[name] = value.Dims;
        }

        InvalidDataException Unexpected(string what) => new($"{path} does not have the ResNet layout the course converts: expected {what}.");
    }
}
