using TorchSharp;

namespace DeepLearningCourse.Data;

/// <summary>Seeds for the library's own random generators (shuffling, splits, augmentation).</summary>
static class Seeds
{
    /// <summary>
    /// A seed drawn from torch's global generator. A lesson's <c>torch.manual_seed(7)</c> therefore fixes the
    /// shuffling, splitting and augmentation that follow it, as it does in PyTorch, with no seed of the
    /// library's own to set or to know about.
    /// </summary>
    public static int Draw()
    {
        using var draw = torch.randint(int.MaxValue, [1], dtype: torch.int64);
        return (int)draw.item<long>();
    }
}
