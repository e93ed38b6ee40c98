using TorchSharp;

namespace DeepLearningCourse.Tests;

public class TensorShapeTests
{
    public TensorShapeTests() => TorchFixture.Ensure();

    [Fact]
    public void A_shape_prints_as_PyTorch_prints_torch_Size()
    {
        using var images = torch.zeros(64, 1, 28, 28);
        using var scalar = torch.tensor(3.0f);

        Assert.Equal("[64, 1, 28, 28]", images.Shape().ToString());
        Assert.Equal("shape [64, 1, 28, 28]", $"shape {images.Shape()}");
        Assert.Equal("[]", scalar.Shape().ToString());
    }

    [Fact]
    public void A_shape_is_indexed_counted_and_used_like_the_sizes_array()
    {
        using var images = torch.zeros(64, 1, 28, 28);
        var shape = images.Shape();

        Assert.Equal(4, shape.Length);
        Assert.Equal(64, shape[0]);
        Assert.Equal(28, shape[^1]);
        Assert.Equal([64L, 1, 28, 28], shape);
        long[] sizes = shape;
        using var same = torch.ones(shape);
        Assert.Equal(images.shape, sizes);
        Assert.Equal(images.shape, same.shape);
    }

    [Fact]
    public void Shapes_are_equal_when_their_sizes_are()
    {
        using var a = torch.zeros(2, 3);
        using var b = torch.ones(2, 3);
        using var c = torch.ones(3, 2);

        Assert.Equal(a.Shape(), b.Shape());
        Assert.Equal(a.Shape().GetHashCode(), b.Shape().GetHashCode());
        Assert.NotEqual(a.Shape(), c.Shape());
        Assert.True(a.Shape() == new TensorShape([2, 3]));
    }
}
