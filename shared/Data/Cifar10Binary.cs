using DeepLearningCourse.Infrastructure;
namespace DeepLearningCourse.Data;

/// <summary>
/// The binary version of CIFAR-10: each record is one label byte followed by a 32×32 colour image
/// stored channel by channel (1,024 red, then green, then blue bytes, each row-major).
/// </summary>
public static class Cifar10Binary
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 32;

    /// <summary>Bytes of one image: 3 channels of 32×32.</summary>
    public const int ImageBytes = 3 * Side * Side;

    /// <summary>Bytes of one record: the label then the image.</summary>
    public const int RecordBytes = 1 + ImageBytes;

    /// <summary>Reads one batch file; its images go to [N,3,32,32] order as stored, labels to [N].</summary>
    public static (byte[] Images, byte[] Labels) Read(string path, int classCount = 10)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
            throw new DataFormatException(path, $"{bytes.Length:N0} bytes is not a whole number of {RecordBytes:N0}-byte records (truncated or not a CIFAR-10 batch)");
        var count = bytes.Length / RecordBytes;
        var images = new byte[count * ImageBytes];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(i * RecordBytes, RecordBytes);
            if (record[0] >= classCount)
                throw new DataFormatException(path, $"record {i} has label {record[0]}, but there are only {classCount} classes");
            labels[i] = record[0];
            record[1..].CopyTo(images.AsSpan(i * ImageBytes));
        }
        return (images, labels);
    }

    /// <summary>Writes records to a temporary name and renames it into place.</summary>
    public static void Write(string path, byte[] images, byte[] labels)
    {
        if (images.Length != labels.Length * ImageBytes)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * ImageBytes} image bytes, got {images.Length}.", nameof(images));
        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            for (int i = 0; i < labels.Length; i++)
            {
                file.WriteByte(labels[i]);
                file.Write(images, i * ImageBytes, ImageBytes);
            }
        });
    }
}
