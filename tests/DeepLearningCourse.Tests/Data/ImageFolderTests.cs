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

    /// <summary>
    /// A valid, uncompressed 2×2 TIFF whose pixels are <paramref name="samples"/> bytes each in the colour space that
    /// <paramref name="photometric"/> names (2 RGB, 5 CMYK): the layout the TIFF 6.0 specification gives, written by hand
    /// since ImageSharp 2.1 writes no CMYK.
    /// </summary>
    static byte[] Tiff(ushort photometric, int samples)
    {
        const int width = 2, height = 2, entries = 9;
        var pixels = Enumerable.Range(0, width * height * samples).Select(i => (byte)(i * 20)).ToArray();
        var bitsOffset = 8u + 2 + entries * 12 + 4;
        var dataOffset = bitsOffset + 2u * (uint)samples;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u);
        writer.Write((ushort)entries);
        void Entry(ushort tag, ushort type, uint count, uint value)
        {
            writer.Write(tag);
            writer.Write(type);
            writer.Write(count);
            writer.Write(value);
        }
        Entry(256, 3, 1, width);                  // ImageWidth
        Entry(257, 3, 1, height);                 // ImageLength
        Entry(258, 3, (uint)samples, bitsOffset); // BitsPerSample: 8 for each sample, stored after the directory
        Entry(259, 3, 1, 1);                      // Compression: none
        Entry(262, 3, 1, photometric);            // PhotometricInterpretation
        Entry(273, 4, 1, dataOffset);             // StripOffsets
        Entry(277, 3, 1, (uint)samples);          // SamplesPerPixel
        Entry(278, 3, 1, height);                 // RowsPerStrip
        Entry(279, 4, 1, (uint)pixels.Length);    // StripByteCounts
        writer.Write(0u);
        for (int i = 0; i < samples; i++) writer.Write((ushort)8);
        writer.Write(pixels);
        writer.Flush();
        return stream.ToArray();
    }

    [Fact]
    public void A_valid_tiff_of_a_kind_the_decoder_lacks_is_reported_as_unsupported_not_corrupt()
    {
        // Before, a CMYK TIFF was "truncated or corrupt image data".
        using var root = new TemporaryFolder();
        var rgb = root.Combine("rgb.tif");
        File.WriteAllBytes(rgb, Tiff(photometric: 2, samples: 3));
        var cmyk = root.Combine("cmyk.tif");
        File.WriteAllBytes(cmyk, Tiff(photometric: 5, samples: 4));

        Assert.Equal([3L, 2, 2], ImageFile.Load(rgb).shape);   // the file layout itself is sound
        var e = Assert.Throws<DataFormatException>(() => ImageFile.Load(cmyk));

        Assert.Equal(cmyk, e.FilePath);
        Assert.StartsWith("unsupported format: a TIFF image of a kind ImageSharp 2.1 cannot decode (", e.Problem);
        Assert.Contains("Separated", e.Problem);
        Assert.EndsWith("convert it to JPEG or PNG", e.Problem);
        Assert.DoesNotContain("corrupt", e.Problem);
        Assert.IsType<NotSupportedException>(e.InnerException);
    }

    [Theory]
    [InlineData("photo.heic", new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 0 }, "HEIC/HEIF")]
    [InlineData("photo.jpg", new byte[] { 0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'a', (byte)'v', (byte)'i', (byte)'f', 0, 0, 0, 0 }, "AVIF")]
    [InlineData("layers.png", new byte[] { (byte)'8', (byte)'B', (byte)'P', (byte)'S', 0, 1, 0, 0, 0, 0, 0, 0 }, "Photoshop (PSD)")]
    public void An_image_format_the_decoder_does_not_know_is_named(string name, byte[] start, string format)
    {
        // Before: "not an image format ImageSharp recognises", whatever the file was.
        using var root = new TemporaryFolder();
        var path = root.Combine(name);
        File.WriteAllBytes(path, [.. start, .. new byte[64]]);

        var e = Assert.Throws<DataFormatException>(() => ImageFile.Load(path));

        Assert.Equal($"unsupported format: a {format} image, which ImageSharp 2.1 cannot decode; convert it to JPEG or PNG", e.Problem);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_unreadable_photo_stops_the_epoch_naming_it_and_how_to_leave_it_out(bool prefetch)
    {
        // Before, the error named the file but not what to do to train without it.
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        var train = root.Combine("Cat_Dog_data", "train");
        var broken = root.Combine("Cat_Dog_data", "train", "dog", "dog.9.jpg");
        File.WriteAllText(broken, "this is not a JPEG");
        // Batches of one photo: the fixture's photos differ in size.
        var loader = new DataLoader(new ImageFolder(train), batchSize: 1, prefetch: prefetch);

        var e = Assert.Throws<DataFormatException>(() => { foreach (var _ in loader) { } });

        Assert.Equal(broken, e.FilePath);
        Assert.EndsWith($". To train without it, delete it, move it out of {train}, or rename it to start with '.'", e.Message);
        Assert.IsType<DataFormatException>(e.InnerException);

        // Renamed as the message says, it is left out and the epoch runs.
        File.Move(broken, root.Combine("Cat_Dog_data", "train", "dog", ".dog.9.jpg"));
        var dataset = new ImageFolder(train);
        Assert.Equal(5, dataset.Count);
        Assert.Equal(5, new DataLoader(dataset, batchSize: 1, prefetch: prefetch).Count());
    }

    [Fact]
    public void Hidden_files_inside_a_class_folder_are_not_photos()
    {
        // macOS leaves "._name.jpg" files beside the photos of a copied folder; they are not images.
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        File.WriteAllText(root.Combine("Cat_Dog_data", "train", "cat", "._cat.0.png"), "resource fork");
        DataFixtures.WriteImage(root.Combine("Cat_Dog_data", "train", "cat", ".ipynb_checkpoints", "cat.0-checkpoint.png"), 8, 8, new Rgb24(0, 0, 0));

        var dataset = new ImageFolder(root.Combine("Cat_Dog_data", "train"));

        Assert.Equal(5, dataset.Count);
        Assert.DoesNotContain(dataset.Samples, s => s.Path.Contains("/."));
    }

    [Theory]
    [InlineData("caf\u00E9", "cafe\u0301")]   // composed é (NFC) and e + combining accent (NFD)
    [InlineData("cat", "cat\u200B")]          // a zero-width space
    public void Class_folders_whose_names_print_the_same_are_refused(string first, string second)
    {
        // Before, they became two classes with names that look identical.
        using var root = new TemporaryFolder();
        var (a, b) = (System.Text.RegularExpressions.Regex.Unescape(first), System.Text.RegularExpressions.Regex.Unescape(second));
        DataFixtures.WriteImage(root.Combine("photos", a, "1.png"), 8, 8, new Rgb24(1, 2, 3));
        DataFixtures.WriteImage(root.Combine("photos", b, "2.png"), 8, 8, new Rgb24(1, 2, 3));
        DataFixtures.WriteImage(root.Combine("photos", "dog", "3.png"), 8, 8, new Rgb24(1, 2, 3));

        var e = Assert.Throws<DataFormatException>(() => new ImageFolder(root.Combine("photos")));

        Assert.Equal(root.Combine("photos"), e.FilePath);
        Assert.Contains("print the same but are spelled with different characters", e.Problem);
        Assert.Contains(first, e.Problem);
        Assert.Contains(second, e.Problem);
        Assert.Contains("merge them into one folder", e.Problem);
    }

    [Fact]
    public void A_folder_walk_ends_at_link_loops_and_counts_each_photo_once()
    {
        // Before, the walk went round cat/sub/loop → cat until the path was too long: cat had 42 photos, not 3.
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        var train = root.Combine("Cat_Dog_data", "train");
        Directory.CreateDirectory(root.Combine("Cat_Dog_data", "train", "cat", "sub"));
        Directory.CreateSymbolicLink(root.Combine("Cat_Dog_data", "train", "cat", "sub", "loop"), root.Combine("Cat_Dog_data", "train", "cat"));
        Directory.CreateSymbolicLink(root.Combine("Cat_Dog_data", "train", "cat", "up"), "../..");
        Directory.CreateSymbolicLink(root.Combine("Cat_Dog_data", "train", "cat", "dogs"), root.Combine("Cat_Dog_data", "train", "dog"));
        Directory.CreateSymbolicLink(root.Combine("Cat_Dog_data", "train", "cat", "self"), "self");

        var dataset = new ImageFolder(train);

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal([0L, 0, 0, 1, 1], dataset.Samples.Select(s => s.Label));
    }

    [Fact]
    public void A_linked_folder_of_photos_is_followed()
    {
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        DataFixtures.WriteImage(root.Combine("elsewhere", "more", "cat.9.png"), 8, 8, new Rgb24(255, 0, 0));
        Directory.CreateSymbolicLink(root.Combine("Cat_Dog_data", "train", "cat", "more"), root.Combine("elsewhere", "more"));

        var dataset = new ImageFolder(root.Combine("Cat_Dog_data", "train"));

        Assert.Equal(4, dataset.Samples.Count(s => s.Label == 0));
        Assert.Contains(root.Combine("Cat_Dog_data", "train", "cat", "more", "cat.9.png"), dataset.Samples.Select(s => s.Path));
    }

    /// <summary>A transform that cannot handle the images it is given: libtorch refuses the reshape.</summary>
    sealed class ReshapeToSeven : torchvision.ITransform
    {
        public Tensor call(Tensor input) => input.view(7, -1);
    }

    [Fact]
    public void A_transform_that_fails_on_a_photo_names_the_photo_and_its_shape()
    {
        // Before, libtorch's message and C++ stack trace came out unchanged.
        using var root = new TemporaryFolder();
        WriteCatsAndDogs(root);
        var dataset = new ImageFolder(root.Combine("Cat_Dog_data", "train"), new ReshapeToSeven());

        var e = Assert.Throws<InvalidOperationException>(() => new DataLoader(dataset, batchSize: 2).First());

        Assert.StartsWith($"The transform failed on {dataset.Samples[0].Path}, decoded as [3, 30, 40]: shape '[7, -1]' is invalid for input of size 3600", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(e.InnerException);
    }
}
