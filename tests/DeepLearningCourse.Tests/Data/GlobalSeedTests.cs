using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

/// <summary>Library randomness without an explicit seed follows <c>torch.manual_seed</c>.</summary>
[Collection(ProcessWideState.Name)]
public class GlobalSeedTests
{
    public GlobalSeedTests() => TorchFixture.Ensure();

    [Fact]
    public void Random_transforms_without_a_seed_follow_torch_manual_seed()
    {
        using var scope = NewDisposeScope();
        var images = torch.arange(8 * 3 * 4 * 4, dtype: ScalarType.Float32).reshape(8, 3, 4, 4);
        Tensor Flipped(long seed)
        {
            torch.manual_seed(seed);
            return Transforms.RandomHorizontalFlip().call(images);
        }

        bool Same(Tensor a, Tensor b) => a.equal(b).all().item<bool>();
        Assert.True(Same(Flipped(11), Flipped(11)));
        Assert.Contains(new long[] { 12, 13, 14, 15 }, seed => !Same(Flipped(seed), Flipped(11)));
    }

    [Fact]
    public void RandomSplit_parts_keep_the_class_names_and_follow_torch_manual_seed()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteIdxPair(root.Combine("MNIST"), "train", 50);
        var dataset = DatasetCache.LoadIdx(DatasetCatalog.Mnist, true, null, root.Path, fast: false);

        torch.manual_seed(8);
        var (train, validation) = Datasets.RandomSplit(dataset, 0.2);
        torch.manual_seed(8);
        var (again, _) = Datasets.RandomSplit(dataset, 0.2);
        var (next, _) = Datasets.RandomSplit(dataset, 0.2);

        Assert.Equal(dataset.Classes, train.Classes);
        Assert.Equal(dataset.Classes, validation.Classes);
        Assert.Equal(train.Indices, again.Indices);
        Assert.NotEqual(train.Indices, next.Indices);
        var (trainOfTrain, _) = Datasets.RandomSplit(train, 0.5, seed: 1);
        Assert.Equal(dataset.Classes, trainOfTrain.Classes);
    }
}
