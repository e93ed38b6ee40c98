using DeepLearningCourse.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Data;

public class ImageFolderTests
{
    public ImageFolderTests() => TorchFixture.Ensure();

    static void WriteCatsAndDogs(TemporaryFolder root)
    {
        for (int i = 0; i < 3; i++)
            DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", "cat", $"cat.{i}.png"), 40 + i, 30, new Rgb24(255, 0, 0));
        for (int i = 0; i < 2; i++)
            DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", "dog", $"dog.{i}.jpg"), 30, 50, new Rgb24(0, 0, 255));
        // Hidden and tool folders are not classes, even with images in them.
        DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", ".ipynb_checkpoints", "cat.0-checkpoint.png"), 8, 8, new Rgb24(0, 0, 0));
        DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", "__MACOSX", "._cat.0.png"), 8, 8, new Rgb24(0, 0, 0));
    }

    [Fact]
    public void Classes_are_folder_names_and_items_decode_to_float_rgb()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);

        var dataset = new ImageFolder(root.Combine("Cat_Dog_data", "train"));

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(5, dataset.Count);
        Assert.Equal([0L, 0, 0, 1, 1], dataset.Samples.Select(s => s.Label));
        using var scope = NewDisposeScope();
        var cat = dataset.GetTensor(1)["data"];
        Assert.Equal([3L, 30, 41], cat.shape);
        Assert.Equal(ScalarType.Float32, cat.dtype);
        Assert.Equal(1f, cat[0].mean().item<float>(), 3);   // red
        Assert.Equal(0f, cat[2].mean().item<float>(), 3);
        var dog = dataset.GetTensor(4);
        Assert.Equal(1L, dog["label"].item<long>());
        Assert.True(dog["data"][2].mean().item<float>() > 0.95f); // JPEG blue stays close to 1
    }

    [Fact]
    public void Photo_lesson_pipeline_gives_224_pixel_batches_with_labels()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        torch.manual_seed(3);
        var transform = Transforms.Compose(Transforms.RandomRotation(30), Transforms.RandomResizedCrop(224),
            Transforms.RandomHorizontalFlip(), Transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]));
        var dataset = Datasets.CatsAndDogs(train: true, transform, root.Path);

        using var loader = torch.utils.data.DataLoader(dataset, batchSize: 5, shuffle: false);
        var batches = 0;
        foreach (var batch in loader)
        {
            Assert.Equal([5L, 3, 224, 224], batch["data"].shape);
            Assert.Equal([0L, 0, 0, 1, 1], batch["label"].data<long>().ToArray());
            batches++;
        }
        Assert.Equal(1, batches);
        Assert.Contains("origin not recorded", dataset.Source);
        Assert.Contains("classes: cat, dog", dataset.Source);
    }

    [Fact]
    public void Augmented_batches_repeat_exactly_from_the_same_seed_although_photos_decode_in_parallel()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);

        float[] FirstEpoch()
        {
            var augment = Transforms.Compose(Transforms.RandomRotation(30, seed: 11), Transforms.RandomResizedCrop(64, seed: 12),
                Transforms.RandomHorizontalFlip(seed: 13));
            var loader = new DataLoader(Datasets.CatsAndDogs(train: true, augment, root.Path), batchSize: 5, shuffle: true, seed: 5, workers: 4);
            return loader.SelectMany(batch => batch.Data.data<float>().ToArray()).ToArray();
        }

        var first = FirstEpoch();
        for (int run = 0; run < 3; run++)
            Assert.Equal(first, FirstEpoch());
    }

    [Fact]
    public void An_undecodable_file_is_named_when_read()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        var broken = root.Combine("Cat_Dog_data", "train", "dog", "dog.9.jpg");
        File.WriteAllText(broken, "this is not a JPEG");

        var dataset = new ImageFolder(root.Combine("Cat_Dog_data", "train"));
        var index = dataset.Samples.Select(s => s.Path).ToList().IndexOf(broken);

        var e = Assert.Throws<DataFormatException>(() => dataset.GetTensor(index));
        Assert.Equal(broken, e.FilePath);
    }

    [Fact]
    public void A_truncated_jpeg_is_named()
    {
        using var root = new TemporaryFolder();
        var path = root.Combine("x.jpg");
        DataFixtures.WriteImage(path, 64, 64, new Rgb24(10, 200, 30));
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);

        var e = Assert.Throws<DataFormatException>(() => ImageFile.Load(path));
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData("photo.jpg", 0.6)]
    [InlineData("photo.jpg", 0.95)]
    [InlineData("photo.png", 0.6)]
    public void An_image_cut_short_after_its_header_fails_instead_of_decoding_with_missing_rows(string name, double kept)
    {
        // Before, ImageSharp filled the missing rows with black and returned normally.
        using var root = new TemporaryFolder();
        var path = root.Combine(name);
        using (var image = new Image<Rgb24>(96, 96))
        {
            var random = new Random(5);
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                    foreach (ref var pixel in rows.GetRowSpan(y)) pixel = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            });
            image.Save(path);
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * kept)]);

        var e = Assert.Throws<DataFormatException>(() => ImageFile.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void A_photo_cut_short_after_fetch_data_sealed_the_folder_is_named_before_training()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        DatasetSource.Write(root.Combine("Cat_Dog_data"), isStandIn: true, "fixture photos");
        MnistLoaderTests.Seal(root.Combine("Cat_Dog_data"));
        var photo = root.Combine("Cat_Dog_data", "train", "dog", "dog.1.jpg");
        File.WriteAllBytes(photo, File.ReadAllBytes(photo)[..100]);

        var e = Assert.Throws<DataFormatException>(() => Datasets.CatsAndDogs(train: true, root: root.Path));
        Assert.Equal(photo, e.FilePath);
        Assert.Contains("changed since it was stored", e.Problem);
    }

    [Fact]
    public void A_class_folder_without_images_is_an_error_naming_it()
    {
        // Before, it was skipped, so the same class got different labels in train/ and test/.
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        Directory.CreateDirectory(root.Combine("Cat_Dog_data", "train", "bird"));

        var e = Assert.Throws<DataFormatException>(() => new ImageFolder(root.Combine("Cat_Dog_data", "train")));
        Assert.Equal(root.Combine("Cat_Dog_data", "train", "bird"), e.FilePath);
        Assert.Contains("no image", e.Problem);
    }

    [Fact]
    public void Train_and_test_with_different_classes_are_refused()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "test", "dog", "dog.0.png"), 8, 8, new Rgb24(0, 0, 0));

        var e = Assert.Throws<DataFormatException>(() => Datasets.CatsAndDogs(train: false, root: root.Path));
        Assert.Contains("cat", e.Problem);
        Assert.Contains("train", e.Problem);
    }

    [Fact]
    public void Images_declaring_more_pixels_than_the_bound_are_refused_before_decoding()
    {
        using var root = new TemporaryFolder();
        var path = root.Combine("big.png");
        DataFixtures.WriteImage(path, 2000, 1500, new Rgb24(1, 2, 3));

        var e = Assert.Throws<DataFormatException>(() => ImageFile.Load(path, maxPixels: 1_000_000));
        Assert.Contains("2000×1500", e.Problem);
    }

    [Fact]
    public void An_image_outside_any_class_folder_is_an_error()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", "stray.png"), 8, 8, new Rgb24(0, 0, 0));

        var e = Assert.Throws<DataFormatException>(() => new ImageFolder(root.Combine("Cat_Dog_data", "train")));
        Assert.EndsWith("stray.png", e.FilePath);
    }

    [Fact]
    public void Missing_photo_sets_point_to_the_offline_command()
    {
        using var root = new TemporaryFolder();
        var e = Assert.Throws<DatasetUnavailableException>(() => Datasets.Flowers(train: true, root: root.Path));
        Assert.Contains("tools/fetch-data", e.Message);
        Assert.Contains("flower-photos.zip", e.Message);
    }

    [Fact]
    public void Photos_load_by_path_shrunk_and_in_grayscale()
    {
        using var root = new TemporaryFolder();
        DataFixtures.WriteImage(root.Combine("photos", "wide.jpg"), 800, 400, new Rgb24(255, 255, 255));

        using var colour = Photos.Load("wide", maxSide: 200, root: root.Path);
        using var gray = Photos.Load(root.Combine("photos", "wide.jpg"), grayscale: true);

        Assert.Equal([3L, 100, 200], colour.shape);
        Assert.Equal([1L, 400, 800], gray.shape);
        Assert.Equal(["wide"], Photos.Names(root.Path));
        Assert.Throws<DatasetUnavailableException>(() => Photos.Load("no-such-photo", root: root.Path));
    }
}
