using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Training;

/// <summary>
/// Times a training step fairly on any device (introduced for Section 2 Part 8's CPU-versus-GPU cell).
/// </summary>
public static class StepTimer
{
    /// <summary>
    /// The mean wall time in seconds of one call of <paramref name="step"/> on <paramref name="device"/>.
    /// The first <paramref name="warmup"/> calls are not measured: they pay for allocating memory and
    /// choosing kernels. A GPU runs its work asynchronously, so the clock is read only after the
    /// device has finished everything queued.
    /// </summary>
    public static double SecondsPerStep(Device device, Action step, int repeats = 3, int warmup = 1)
    {
        if (repeats <= 0) throw new ArgumentOutOfRangeException(nameof(repeats), "Time at least one step.");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup));
        for (int i = 0; i < warmup; i++) step();
        WaitFor(device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) step();
        WaitFor(device);
        return clock.Elapsed.TotalSeconds / repeats;
    }

    static void WaitFor(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
