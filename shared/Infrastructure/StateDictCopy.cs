using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Infrastructure;

/// <summary>
/// Copies a state dict into a module, checked key for key, and says shapes the way the course's messages do. Both
/// <c>Models.StateDicts</c> (PyTorch weight files) and <c>Training.Checkpoint</c> (the course's own checkpoints)
/// load through here, so neither of those layers depends on the other for it.
/// </summary>
static class StateDictCopy
{
    /// <summary>
    /// Copies <paramref name="source"/> into the module's parameters and buffers, after checking
    /// that the keys, shapes and dtypes match exactly. Nothing is copied unless everything fits.
    /// </summary>
    /// <param name="module">Receives the tensors; its own keys and shapes are the reference.</param>
    /// <param name="source">Tensors by state-dict key; torchvision's older densenet key spelling is accepted.</param>
    /// <param name="sourceName">Names the source in error messages (usually its file).</param>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string sourceName)
    {
        var target = module.state_dict();
        var renamed = source.ToDictionary(kv => LegacyDenseNetKey(kv.Key), kv => kv.Value);

        // PyTorch itself accepts files saved before BatchNorm counted its batches (torchvision's
        // densenet121 file is one); the counter only matters when training with momentum=None.
        var missing = target.Keys.Where(k => !renamed.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = renamed.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing key{Plural(missing)} {Quote(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected key{Plural(unexpected)} {Quote(unexpected)}");
            throw new InvalidDataException($"{sourceName} does not fit {module.GetName()}: {string.Join("; ", parts)}.");
        }

        foreach (var (key, value) in renamed)
        {
            var expected = target[key];
            if (!expected.shape.SequenceEqual(value.shape) || expected.dtype != value.dtype)
                throw new InvalidDataException($"{sourceName} does not fit {module.GetName()}: '{key}' is {Describe(value)} there but {Describe(expected)} in the model.");
        }

        using var noGrad = no_grad();
        foreach (var (key, value) in renamed)
            target[key].copy_(value);
    }

    // torchvision's published densenet weights predate a rename of the layers inside a dense
    // layer ("norm.1" became "norm1"); torchvision rewrites those keys when loading, and so do we.
    static readonly Regex legacyDenseLayer = new(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$", RegexOptions.CultureInvariant);

    static string LegacyDenseNetKey(string key)
    {
        var match = legacyDenseLayer.Match(key);
        return match.Success ? match.Groups[1].Value + match.Groups[2].Value : key;
    }

    /// <summary>A tensor's shape and dtype as messages and checkpoint listings show them: <c>[512, 784] Float32</c>.</summary>
    public static string Describe(Tensor tensor) => $"{Shape(tensor.shape)} {tensor.dtype}";

    /// <summary>A shape as <c>[512, 784]</c>.</summary>
    public static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    static string Plural(List<string> keys) => keys.Count == 1 ? "" : "s";

    static string Quote(List<string> keys) =>
        string.Join(", ", keys.Take(5).Select(k => $"'{k}'")) + (keys.Count > 5 ? $" and {keys.Count - 5} more" : "");
}
