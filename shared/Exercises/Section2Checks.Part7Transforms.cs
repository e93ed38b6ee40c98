using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static DeepLearningCourse.Exercises.Compare;
using DeepLearningCourse.Data;

namespace DeepLearningCourse.Exercises;

// Section 2, Part 7: image transforms.
public static partial class Section2Checks
{
    /// <summary>Part 7: <c>Resize(255)</c> then <c>CenterCrop(224)</c>.</summary>
    public static Verdict ResizeAndCrop(torchvision.ITransform? transform)
    {
        if (transform is null) return Verdict.NotDone();
        var photo = torch.rand(3, 300, 400, generator: new Generator(7));
        var answer = transform.call(photo);
        var resized = Transforms.Resize(255).call(photo);
        var expected = Transforms.CenterCrop(224).call(resized);
        if (Same(answer, expected)) return Verdict.Correct("a 300×400 photo becomes 255×340, then its central 224×224.");
        if (Same(answer, resized)) return Verdict.Wrong($"the result is {Shape(answer)}: the photo was resized but not cropped; add Transforms.CenterCrop(224).");
        if (answer.shape.SequenceEqual(expected.shape) && Same(answer, Transforms.Resize(224).call(Transforms.CenterCrop(255).call(photo))))
            return Verdict.Wrong("the crop came before the resize: resize the shorter side to 255 first, then cut the central 224×224.");
        if (answer.shape.SequenceEqual(expected.shape)) return Verdict.Wrong("the size is right but not the picture: Transforms.Compose(Transforms.Resize(255), Transforms.CenterCrop(224)).");
        return Verdict.Wrong($"a 300×400 photo should come out [3, 224, 224], got {Shape(answer)}: Resize(255) keeps proportions, CenterCrop(224) cuts the square.");
    }

    /// <summary>Part 7: augmenting, normalised training transforms and plain, normalised test transforms.</summary>
    public static Verdict Augmentation(torchvision.ITransform? train_transforms, torchvision.ITransform? test_transforms, torchvision.ITransform normalize)
    {
        if (train_transforms is null || test_transforms is null) return Verdict.NotDone();
        var photo = torch.rand(3, 300, 400, generator: new Generator(7));
        var test = test_transforms.call(photo);
        var expectedTest = normalize.call(Transforms.CenterCrop(224).call(Transforms.Resize(255).call(photo)));
        if (!Same(test, test_transforms.call(photo))) return Verdict.Wrong("test_transforms gives a different picture each time: test photos must not be augmented, only resized, cropped and normalised.");
        if (Same(test, Transforms.CenterCrop(224).call(Transforms.Resize(255).call(photo)))) return Verdict.Wrong("the test photos are not normalised: end test_transforms with normalize.");
        if (!Same(test, expectedTest)) return Verdict.Wrong($"test_transforms should be Resize(255), CenterCrop(224), normalize; it gives {Shape(test)} with other values.");
        var first = train_transforms.call(photo);
        var second = train_transforms.call(photo);
        if (!first.shape.SequenceEqual(new long[] { 3, 224, 224 })) return Verdict.Wrong($"training photos must come out [3, 224, 224], got {Shape(first)}: RandomResizedCrop(224) sets the size.");
        if (Same(first, second)) return Verdict.Wrong("train_transforms gives the same picture every time: add the random transforms (rotation, resized crop, flip).");
        if (Values(first).min().item<float>() >= 0) return Verdict.Wrong("the training photos are not normalised (no value is below 0): end train_transforms with normalize.");
        return Verdict.Correct("training photos are augmented differently on every call and normalised; test photos are resized, cropped and normalised, the same every time.");
    }
}
