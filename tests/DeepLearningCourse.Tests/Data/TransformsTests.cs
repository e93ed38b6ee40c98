using DeepLearningCourse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class TransformsTests
{
    public TransformsTests() => TorchFixture.Ensure();

    [Fact]
    public void Normalize_works_per_channel_on_an_item_and_on_a_batch()
    {
        using var scope = NewDisposeScope();
        var normalize = Transforms.Normalize([0.5, 0.25, 0], [0.5, 0.25, 2]);
        var item = torch.ones(3, 2, 2);

        var one = normalize.call(item);
        var many = normalize.call(torch.ones(4, 3, 2, 2));

        Assert.Equal([3L, 2, 2], one.shape);
        Assert.Equal([1f, 3f, 0.5f], one[.., 0, 0].data<float>().ToArray());
        Assert.Equal([4L, 3, 2, 2], many.shape);
        Assert.Throws<ArgumentException>(() => normalize.call(torch.ones(1, 2, 2)));
    }

    [Fact]
    public void Normalize_is_undone_by_its_inverse_in_any_float_type()
    {
        using var scope = NewDisposeScope();
        using var normalize = Transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
        var images = torch.rand(2, 3, 5, 5, dtype: ScalarType.Float64);

        var normalised = normalize.call(images);

        Assert.Equal(ScalarType.Float64, normalised.dtype);
        Assert.True(normalize.Inverse(normalised).allclose(images, rtol: 1e-6, atol: 1e-6));
        Assert.True(normalised[.., 0].allclose((images[.., 0] - 0.485f) / 0.229f, rtol: 1e-6, atol: 1e-6));
        Assert.Equal("per channel, minus mean [0.485, 0.456, 0.406], divided by std [0.229, 0.224, 0.225]", normalize.Description);
        Assert.Equal([0.229, 0.224, 0.225], normalize.Std);
    }

    [Fact]
    public void Normalize_refuses_missing_or_non_positive_deviations()
    {
        Assert.Throws<ArgumentException>(() => Transforms.Normalize([0.5, 0.5], [0.5]));
        Assert.Throws<ArgumentException>(() => Transforms.Normalize([0.5], [0]));
        Assert.Throws<ArgumentException>(() => Transforms.Normalize([0.5], [double.NaN]));
    }

    [Fact]
    public void Resize_sets_the_shorter_side_and_CenterCrop_cuts_the_middle()
    {
        using var scope = NewDisposeScope();
        var image = torch.rand(3, 300, 600);

        var resized = Transforms.Resize(255).call(image);
        var tall = Transforms.Resize(255).call(torch.rand(2, 3, 600, 300));
        var cropped = Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224)).call(image);
        var flat = Transforms.Resize(10, 20).call(torch.full(3, 40, 80, 0.25f));

        Assert.Equal([3L, 255, 510], resized.shape);
        Assert.Equal([2L, 3, 510, 255], tall.shape);
        Assert.Equal([3L, 224, 224], cropped.shape);
        Assert.True(flat.allclose(torch.full(3, 10, 20, 0.25f)));
    }

    [Fact]
    public void RandomResizedCrop_gives_the_size_asked_and_repeats_under_the_same_seed()
    {
        using var scope = NewDisposeScope();
        var image = torch.arange(3 * 120 * 90, dtype: ScalarType.Float32).reshape(3, 120, 90);
        var crop = Transforms.RandomResizedCrop(64, seed: 11);

        var first = crop.call(image);
        var second = crop.call(image);
        torch.manual_seed(99); // the transform's own generator ignores torch's
        var again = Transforms.RandomResizedCrop(64, seed: 11).call(image);

        Assert.Equal([3L, 64, 64], first.shape);
        Assert.True(first.allclose(again, rtol: 0, atol: 0));
        Assert.False(first.allclose(second));
    }

    [Fact]
    public void RandomRotation_keeps_the_shape_and_rotates_within_the_range()
    {
        using var scope = NewDisposeScope();
        var image = torch.zeros(1, 41, 41);
        image[0, 20, TensorIndex.Slice(20, 41)] = torch.tensor(1f);   // a bar pointing right from the centre

        var rotated = Transforms.RandomRotation(30, seed: 5).call(image);

        Assert.Equal([1L, 41, 41], rotated.shape);
        Assert.False(rotated.allclose(image));
        // Every lit pixel stays within 30° of the bar's direction (rows grow downwards).
        var lit = rotated[0].nonzero();
        for (int i = 0; i < lit.shape[0]; i++)
        {
            double dy = lit[i, 0].item<long>() - 20, dx = lit[i, 1].item<long>() - 20;
            if (dx * dx + dy * dy < 25) continue;
            Assert.InRange(Math.Abs(Math.Atan2(dy, dx)) * 180 / Math.PI, 0, 31);
        }
    }

    [Theory]
    [InlineData(3, 32, 32)]
    [InlineData(1, 33, 50)]
    [InlineData(2, 7, 3)]
    public void RandomRotation_samples_where_affine_grid_says_a_rotation_samples(int n, int h, int w)
    {
        using var scope = NewDisposeScope();
        var angles = new[] { 0.3, -0.5, 1.2 }.Take(n).ToArray();
        float[] cos = [.. angles.Select(a => (float)Math.Cos(a))], sin = [.. angles.Select(a => (float)Math.Sin(a))];
        // The rotation matrices in affine_grid's normalised coordinates, as torchvision builds them.
        var theta = torch.tensor(angles.SelectMany(a => new[] { Math.Cos(a), -Math.Sin(a) * h / w, 0, Math.Sin(a) * w / h, Math.Cos(a), 0 }).ToArray(), [n, 2, 3]);

        var expected = nn.functional.affine_grid(theta, [n, 1, h, w], align_corners: false);
        var grid = RandomRotation.RotationGrid(cos, sin, h, w, ScalarType.Float64, CPU);

        Assert.Equal(expected.shape, grid.shape);
        Assert.Equal(ScalarType.Float64, grid.dtype);
        Assert.True(grid.allclose(expected, rtol: 0, atol: 1e-6), $"largest difference {(grid - expected).abs().max().item<double>():E2}");
    }

    [Fact]
    public void RandomHorizontalFlip_on_single_images_mirrors_some_and_hands_the_others_on_unchanged()
    {
        using var scope = NewDisposeScope();
        var image = torch.arange(12, dtype: ScalarType.Float32).reshape(1, 3, 4);
        var flip = Transforms.RandomHorizontalFlip(seed: 4);

        var results = Enumerable.Range(0, 40).Select(_ => flip.call(image)).ToList();

        var mirrored = results.Count(r => r.allclose(image.flip(-1), rtol: 0, atol: 0));
        Assert.Equal(40, mirrored + results.Count(r => r.allclose(image, rtol: 0, atol: 0)));
        Assert.InRange(mirrored, 8, 32);
        Assert.All(results, r => Assert.False(r.Handle == image.Handle, "a kept image must be a tensor of its own, which the caller may dispose"));
    }

    [Fact]
    public void Random_transforms_draw_separately_for_each_image_of_a_batch()
    {
        using var scope = NewDisposeScope();
        var image = torch.zeros(1, 16, 16);
        image[0, 8, TensorIndex.Slice(8, 16)] = torch.tensor(1f);
        var batch = image.unsqueeze(0).expand(32, 1, 16, 16).contiguous();

        var flipped = Transforms.RandomHorizontalFlip(seed: 1).call(batch);
        var rotated = Transforms.RandomRotation(45, seed: 2).call(batch);
        var cropped = Transforms.RandomResizedCrop(8, seed: 3).call(torch.arange(32 * 16 * 16, dtype: ScalarType.Float32).reshape(32, 1, 16, 16) % 256);

        var flips = Enumerable.Range(0, 32).Count(i => !flipped[i].allclose(image));
        Assert.InRange(flips, 6, 26);
        Assert.All(Enumerable.Range(0, 32), i => Assert.True(!flipped[i].allclose(image) == flipped[i].allclose(image.flip(-1))));
        var distinct = Enumerable.Range(1, 31).Count(i => !rotated[i].allclose(rotated[0]));
        Assert.True(distinct >= 28, $"only {distinct} of 31 rotations differ from the first");
        Assert.Equal([32L, 1, 8, 8], cropped.shape);
        Assert.True(Enumerable.Range(1, 31).Count(i => !cropped[i].allclose(cropped[0])) >= 28);
    }

    [Fact]
    public void HorizontalFlip_with_probability_one_mirrors()
    {
        using var scope = NewDisposeScope();
        var image = torch.arange(6, dtype: ScalarType.Float32).reshape(1, 2, 3);
        var flipped = Transforms.RandomHorizontalFlip(p: 1).call(image);
        Assert.Equal([2f, 1f, 0f, 5f, 4f, 3f], flipped.data<float>().ToArray());
    }
}
