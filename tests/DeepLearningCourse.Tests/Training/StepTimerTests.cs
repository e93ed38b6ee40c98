using DeepLearningCourse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Training;

public class StepTimerTests
{
    public StepTimerTests() => TorchFixture.Ensure();

    [Fact]
    public void Leaves_the_warm_up_calls_out_of_the_mean()
    {
        var calls = 0;
        var seconds = StepTimer.SecondsPerStep(CPU, () =>
        {
            // The warm-up call is slow, as a first step is; the measured ones take about 20 ms.
            Thread.Sleep(++calls == 1 ? 1000 : 20);
        }, repeats: 2, warmup: 1);

        Assert.Equal(3, calls);
        Assert.InRange(seconds, 0.015, 0.5);
    }

    [Fact]
    public void Needs_at_least_one_measured_step() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StepTimer.SecondsPerStep(CPU, () => { }, repeats: 0));
}
