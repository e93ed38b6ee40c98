using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// Some samples of another dataset, by index (PyTorch's <c>torch.utils.data.Subset</c>, which
/// TorchSharp lacks). Disposing a subset leaves the dataset it views alone, since a training and a
/// validation subset usually share it.
/// </summary>
public sealed class Subset(torch.utils.data.Dataset dataset, long[] indices, string source) : torch.utils.data.Dataset, IBatchedDataset
{
    /// <summary>The dataset this subset views.</summary>
    public torch.utils.data.Dataset Dataset { get; } = dataset;

    /// <summary>The viewed dataset's indices, in this subset's order.</summary>
    public IReadOnlyList<long> Indices { get; } = indices;

    /// <summary>The viewed dataset's class names, or null when it has none.</summary>
    public IReadOnlyList<string>? Classes => Dataset switch
    {
        InMemoryImageDataset images => images.Classes,
        ImageFolder folder => folder.Classes,
        Subset subset => subset.Classes,
        _ => null,
    };

    /// <summary>One line saying which data this is.</summary>
    public string Source { get; } = source;

    /// <inheritdoc/>
    public override long Count => Indices.Count;

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> GetTensor(long index) => Dataset.GetTensor(Indices[(int)index]);

    /// <summary>A whole batch at once when the viewed dataset can do that, else sample by sample.</summary>
    public Dictionary<string, Tensor> GetBatch(long[] indices)
    {
        var mapped = indices.Select(i => Indices[(int)i]).ToArray();
        if (Dataset is IBatchedDataset batched) return batched.GetBatch(mapped);
        var items = mapped.Select(Dataset.GetTensor).ToList();
        return items[0].Keys.ToDictionary(key => key, key => Batching.Stack(items.Select(item => item[key]).ToList(), i => $"sample {mapped[i]}"));
    }

    /// <summary>As for the viewed dataset.</summary>
    public bool PrefetchPays => Dataset is IBatchedDataset { PrefetchPays: true };

    /// <inheritdoc/>
    public override string ToString() => Source;
}
