using DeepLearningCourse;
using DeepLearningCourse.Data;
using DeepLearningCourse.Display;
using TorchSharp;

// Encoded size and width of each kind of picture the lessons show. Targets: readable at notebook
// width (at most about 1,000 px wide), a photo grid well under 200 KB, a chart under about 60 KB.
// The pictures are written to artifacts/bench/display/ to be looked at.
DeepLearningCourse.Infrastructure.Native.TorchNative.Load();
torch.manual_seed(42);
Console.WriteLine($"Data: {Course.DataRoot}");
var output = Path.Combine(AppContext.BaseDirectory, "../../../../../artifacts/bench/display");
Directory.CreateDirectory(output);
var figure = 0;

var photoTransform = Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224));
var photos = Datasets.CatsAndDogs(train: true, transform: photoTransform);
var (photoImages, photoTitles) = Sample(photos, photos.Classes);
Report("Part 7: 16 photos at 224 px, 8 columns", Images.Grid(photoImages, photoTitles, columns: 8));

var flowers = Datasets.Flowers(train: true, transform: photoTransform);
var (flowerImages, flowerTitles) = Sample(flowers, flowers.Classes);
Report("16 flower photos at 224 px, 8 columns", Images.Grid(flowerImages, flowerTitles, columns: 8));
Report("one flower photo", Images.Show(Photos.Load(flowers.Samples[0].Path)));

// The offline stand-in photos are sepia; smooth random colour fields with grain stand for colour photos.
var colourFields = (torch.nn.functional.interpolate(torch.rand(16, 3, 6, 6), [224, 224], mode: torch.InterpolationMode.Bicubic, align_corners: false)
    + 0.04 * torch.randn(16, 3, 224, 224)).clamp(0, 1);
Report("16 colour fields at 224 px, 8 columns", Images.Grid(colourFields, Enumerable.Repeat("colour", 16).ToList(), columns: 8));

var cifar = Datasets.CIFAR10(train: true);
var (cifarImages, cifarTitles) = Sample(cifar, cifar.Classes);
Report("16 CIFAR-10 images at 32 px, 8 columns", Images.Grid(cifarImages, cifarTitles, columns: 8));

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

void Report(string what, PngImage image)
{
    image.Save(Path.Combine(output, $"{++figure}.png"));
    Console.WriteLine($"{what,-44} {image.Width,5} x {image.Height,-5} {image.Bytes.Length / 1024.0,8:F1} KB");
}
