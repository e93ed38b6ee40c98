using TorchSharp;

namespace DeepLearningCourse.Data;

/// <summary>Seeds for the library's own random generators.</summary>
static class Seeds
{
    /// <summary>
    /// A seed drawn from torch's global generator, so that <c>torch.manual_seed(…)</c> in a lesson
    /// also decides the randomness that runs on a generator of its own (splits, augmentation).
    /// </summary>
    internal static int FromGlobalGenerator()
    {
        using var draw = torch.randint(int.MaxValue, [1]);
        return (int)draw.item<long>();
    }
}
