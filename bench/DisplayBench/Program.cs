using DeepLearningCourse;
using DeepLearningCourse.Data;
using DeepLearningCourse.Display;
using TorchSharp;

// Encoded size and width of each kind of picture the lessons show. Targets: readable at notebook
// width (at most about 1,000 px wide), a photo grid well under 200 KB, a chart under about 60 KB.
DeepLearningCourse.Infrastructure.Native.TorchNative.Load();
torch.manual_seed(42);
Console.WriteLine($"Data: {Course.DataRoot}");

var photoTransform = Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224));
var photos = Datasets.CatsAndDogs(train: true, transform: photoTransform);
var (photoImages, photoTitles) = Sample(photos, photos.Classes);
Report("Part 7: 16 photos at 224 px, 8 columns", Images.Grid(photoImages, photoTitles, columns: 8));

var digits = Datasets.MNIST(train: true);
var (digitImages, digitTitles) = Sample(digits, digits.Classes);
Report("Part 2: 16 digits at 28 px, 8 columns", Images.Grid(digitImages, digitTitles, columns: 8));

var probabilities = torch.softmax(torch.randn(1, 10), 1);
Report("view_classify of one digit", Charts.ViewClassify(digitImages[0], probabilities, digits.Classes));

var epochs = Enumerable.Range(1, 30).Select(e => 2.0 / e).ToList();
Report("loss chart, 2 series of 30 epochs", Charts.Line("Loss", "epoch", "loss", ("training", epochs), ("validation", epochs.Select(v => v * 1.1).ToList())));

// Sixteen items spread evenly over the dataset, so both classes of the photos show.
static (torch.Tensor Images, List<string> Titles) Sample(torch.utils.data.Dataset dataset, IReadOnlyList<string> classes)
{
    var items = Enumerable.Range(0, 16).Select(i => dataset.GetTensor(i * dataset.Count / 16)).ToList();
    return (torch.stack(items.Select(item => item["data"])), items.Select(item => classes[(int)item["label"].item<long>()]).ToList());
}

static void Report(string what, PngImage image) =>
    Console.WriteLine($"{what,-44} {image.Width,5} x {image.Height,-5} {image.Bytes.Length / 1024.0,8:F1} KB");
