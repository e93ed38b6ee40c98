namespace DeepLearningCourse.Tests;

/// <summary>Loads TorchSharp's native libraries before a test touches torch.</summary>
public static class TorchFixture
{
    public static void Ensure() => DeepLearningCourse.Runtime.TorchNative.Load();
}
