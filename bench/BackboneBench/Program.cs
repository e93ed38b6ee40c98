// Times one forward pass of each backbone's frozen feature extractor at 224×224, batch 1 and 32,
// on the CPU. Networks whose weights are in the data cache run with them; the others run with
// random weights, which cost exactly as much time, and the output says which is which.
// Usage: dotnet run -c Release --project bench/BackboneBench [repetitions]
using System.Diagnostics;
using DeepLearningCourse;
using DeepLearningCourse.Models;
using DeepLearningCourse.Infrastructure.Native;
using TorchSharp;
using static TorchSharp.torch;

var repetitions = args.Length > 0 ? int.Parse(args[0]) : 3;
TorchNative.Load();
manual_seed(1);
Console.WriteLine($"CPU, {get_num_threads()} threads, TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}; median of {repetitions} forward passes after one warm-up, no_grad, eval mode");
Console.WriteLine($"{"backbone",-28} {"weights",-34} {"batch",5} {"ms/batch",10} {"images/s",9}");

foreach (var backbone in Backbones())
{
    using (backbone.Value)
    {
        foreach (var batch in new[] { 1, 32 })
        {
            var times = new List<double>();
            for (int i = 0; i <= repetitions; i++)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var images = rand(batch, 3, 224, 224);
                var watch = Stopwatch.StartNew();
                var features = backbone.Value.Features.call(images);
                watch.Stop();
                if (features.shape[1] != backbone.Value.OutputWidth) throw new InvalidOperationException($"{backbone.Value.Name} returned {features.shape[1]} features, not {backbone.Value.OutputWidth}.");
                if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            var median = times.Order().ElementAt(times.Count / 2);
            Console.WriteLine($"{backbone.Value.Name,-28} {backbone.Key,-34} {batch,5} {median,10:F0} {batch * 1000 / median,9:F1}");
        }
    }
}

// Each backbone is built only when its turn comes, so at most one is in memory.
static IEnumerable<KeyValuePair<string, Backbone>> Backbones()
{
    var folder = WeightFiles.Folder;
    Backbone? offline = null;
    try
    {
        offline = Backbone.LoadOffline(folder);
    }
    catch (IOException e)
    {
        Console.WriteLine($"Offline ResNet-18 skipped: {e.Message}");
    }
    if (offline is not null) yield return new("ML.NET ImageNet (pretrained)", offline);

    foreach (var name in Backbone.CourseNetworks)
    {
        var file = Backbone.FindWeights(name, folder);
        if (file is not null)
        {
            yield return new($"torchvision ImageNet ({Path.GetFileName(file)})", Backbone.Load(name, folder));
            continue;
        }
        nn.Module<Tensor, Tensor> network = name switch
        {
            "densenet121" => new DenseNet121(),
            "vgg16" => torchvision.models.vgg16(),
            _ => torchvision.models.vgg19(),
        };
        yield return new("random (no weight file; timing only)", Backbone.Create(name, network, "random weights"));
    }
}
