using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Data;

/// <summary>
/// A transform that draws random numbers from its own generator, seeded from torch's global generator
/// (so <c>torch.manual_seed</c> governs it) unless given a seed. Augmentation then repeats from run
/// to run even though the
/// <see cref="DataLoader"/> prepares batches on another thread while the model draws from torch's
/// global generator (dropout, initialisation).
/// </summary>
abstract class RandomTransform(int? seed, int salt) : torchvision.ITransform, IDisposable
{
    readonly torch.Generator generator = new((ulong)(uint)((seed ?? Seeds.FromGlobalGenerator()) * 7919 + salt));

    public abstract Tensor call(Tensor input);

    /// <summary><paramref name="count"/> uniform draws in [0,1) as float32, on <paramref name="device"/>.</summary>
    protected Tensor Uniform(long count, Device device)
    {
        Tensor draws;
        lock (generator) draws = torch.rand(count, ScalarType.Float32, generator: generator);
        if (device.type == DeviceType.CPU) return draws;
        using (draws) return draws.to(device);
    }

    /// <summary>The same draws as numbers, for choosing crop boxes.</summary>
    protected double[] UniformValues(int count)
    {
        using var draws = Uniform(count, CPU);
        return draws.data<float>().ToArray().Select(v => (double)v).ToArray();
    }

    public void Dispose() => generator.Dispose();
}
