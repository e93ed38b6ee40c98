using DeepLearningCourse.Runtime;

namespace DeepLearningCourse.Tests;

/// <summary>TorchSharp's native libraries must be loaded the course's way before any torch call.</summary>
public static class TorchFixture
{
    public static void Ensure() => TorchNative.Load();
}
