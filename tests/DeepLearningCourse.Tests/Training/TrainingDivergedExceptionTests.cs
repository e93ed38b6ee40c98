using DeepLearningCourse.Training;

namespace DeepLearningCourse.Tests.Training;

public class TrainingDivergedExceptionTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_hand_written_loop_stops_with_the_trainers_message(double loss)
    {
        var error = Assert.Throws<TrainingDivergedException>(() => TrainingDivergedException.ThrowIfNotFinite(loss, epoch: 3));
        Assert.Equal(3, error.Epoch);
        Assert.Null(error.Batch);
        Assert.Contains("in epoch 3, so the weights can no longer be trusted", error.Message);
        // The same advice as the trainer's own message, which names the batch too.
        var trainers = new TrainingDivergedException(loss, 3, 7).Message;
        Assert.Contains("in epoch 3, batch 7,", trainers);
        Assert.Equal(trainers.Replace(", batch 7", ""), error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1734)]
    [InlineData(1e30)]
    public void A_finite_loss_lets_the_loop_go_on(double loss) => TrainingDivergedException.ThrowIfNotFinite(loss, epoch: 1);
}
