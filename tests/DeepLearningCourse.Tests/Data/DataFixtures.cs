using DeepLearningCourse.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace DeepLearningCourse.Tests.Data;

/// <summary>Small dataset files written by the tests themselves, in a temporary folder removed afterwards.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("course-data-test-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// Sample i is the vector [i, i] (or, for samples listed in <paramref name="wide"/>, [i, i, i]) labelled i;
/// reading a sample listed in <paramref name="broken"/> fails as a corrupt file would. Counts every read.
/// </summary>
public sealed class NumberDataset(int count, long[]? broken = null, long[]? wide = null) : torch.utils.data.Dataset
{
    int reads;
    volatile bool failed;

    public int Reads => Volatile.Read(ref reads);

    /// <summary>Whether reading a broken sample has failed yet.</summary>
    public bool Failed => failed;

    public override long Count => count;

    public override Dictionary<string, torch.Tensor> GetTensor(long index)
    {
        Interlocked.Increment(ref reads);
        if (broken?.Contains(index) == true)
        {
            failed = true;
            throw new DataFormatException($"sample-{index}.bin", "truncated");
        }
        var width = wide?.Contains(index) == true ? 3 : 2;
        return new() { ["data"] = torch.full(width, index, torch.ScalarType.Float32), ["label"] = torch.tensor(index) };
    }

    public override string ToString() => $"{count} numbers";
}

public static class DataFixtures
{
    /// <summary>
    /// Writes an MNIST-like IDX pair of <paramref name="count"/> 28×28 images into <paramref name="folder"/>;
    /// image i is filled with the value (i * 37) % 256 except pixel 0, which is 255, and labelled i % 10.
    /// The other split gets 10 images if it has none, since a dataset folder is complete only with both.
    /// The folder is marked a stand-in (<paramref name="standIn"/>), since it holds fewer images than MNIST
    /// does, which an unmarked folder may not.
    /// </summary>
    public static void WriteIdxPair(string folder, string prefix, int count, bool gzip = true, int? labelCount = null, bool standIn = true)
    {
        var other = prefix == "train" ? "t10k" : "train";
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, other + "-*").Any())
            WriteSplit(folder, other, 10, gzip, null);
        WriteSplit(folder, prefix, count, gzip, labelCount);
        if (standIn) DatasetSource.Write(folder, isStandIn: true, "test fixture digits");
    }

    static void WriteSplit(string folder, string prefix, int count, bool gzip, int? labelCount)
    {
        Directory.CreateDirectory(folder);
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++)
        {
            pixels.AsSpan(i * 784, 784).Fill((byte)(i * 37 % 256));
            pixels[i * 784] = 255;
        }
        var labels = Enumerable.Range(0, labelCount ?? count).Select(i => (byte)(i % 10)).ToArray();
        var ext = gzip ? ".gz" : "";
        IdxFile.Write(System.IO.Path.Combine(folder, $"{prefix}-images-idx3-ubyte{ext}"), [count, 28, 28], pixels);
        IdxFile.Write(System.IO.Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{ext}"), [labels.Length], labels);
    }

    /// <summary>
    /// Writes a CIFAR-10 folder whose images have red = label·10, green = 100, blue = 200, and records label i % 10,
    /// marked a stand-in (<paramref name="standIn"/>) since its files hold fewer records than CIFAR-10's.
    /// </summary>
    public static void WriteCifarFolder(string folder, int perFile, bool standIn = true)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(System.IO.Path.Combine(folder, DatasetCatalog.Cifar10ClassesFile),
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);
        foreach (var file in DatasetCatalog.Cifar10TrainFiles.Append(DatasetCatalog.Cifar10TestFile))
        {
            var labels = Enumerable.Range(0, perFile).Select(i => (byte)(i % 10)).ToArray();
            var images = new byte[perFile * Cifar10Binary.ImageBytes];
            for (int i = 0; i < perFile; i++)
            {
                var image = images.AsSpan(i * Cifar10Binary.ImageBytes, Cifar10Binary.ImageBytes);
                image[..1024].Fill((byte)(labels[i] * 10));
                image[1024..2048].Fill(100);
                image[2048..].Fill(200);
            }
            Cifar10Binary.Write(System.IO.Path.Combine(folder, file), images, labels);
        }
        if (standIn) DatasetSource.Write(folder, isStandIn: true, "test fixture images");
    }

    /// <summary>Saves a solid-colour image (format from the extension).</summary>
    public static void WriteImage(string path, int width, int height, Rgb24 colour)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, colour);
        image.Save(path);
    }
}
