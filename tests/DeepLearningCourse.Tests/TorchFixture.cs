using DeepLearningCourse.Infrastructure.Native;

namespace DeepLearningCourse.Tests;

/// <summary>Tests that touch TorchSharp call this first, exactly as notebooks do through Course.dib.</summary>
public static class TorchFixture
{
    public static void Ensure() => TorchNative.Load();
}
