using DeepLearningCourse.Training;
using DeepLearningCourse.Infrastructure;
using Kind = DeepLearningCourse.Infrastructure.LiveOutput.Kind;

namespace DeepLearningCourse.Tests.Training;

/// <summary>Training progress: one updating output in a notebook, an updating line in a terminal, plain lines otherwise.</summary>
public sealed class ProgressDisplayTests
{
    [Theory]
    [InlineData(true, false, false, false, "Lines")]
    [InlineData(false, true, false, false, "Notebook")]
    [InlineData(false, true, true, true, "NotebookAtEnd")]
    [InlineData(false, false, false, false, "Terminal")]
    [InlineData(false, false, false, true, "Lines")]
    public void The_style_follows_where_the_output_goes(bool log, bool notebook, bool repl, bool redirected, string expected) =>
        Assert.Equal(expected, LiveOutput.Choose(log, notebook, repl, redirected).ToString());

    [Fact]
    public void A_terminal_rewrites_the_batch_line_in_place_and_keeps_each_finished_epoch()
    {
        var writer = new StringWriter();
        var history = new TrainingHistory(2);
        var progress = new ProgressDisplay(new LiveOutput(writer, Kind.Terminal), history);

        progress.Show(() => "epoch 1/2  batch 3/10  loss 0.5000");
        history.Add(new EpochResult(1, 0.5, null, null, null, TimeSpan.FromSeconds(1)));
        progress.EndEpoch();

        var rows = history.ToString().Split('\n');
        var batch = "epoch 1/2  batch 3/10  loss 0.5000";
        Assert.Equal("\r" + batch + "\r" + new string(' ', batch.Length) + "\r" + rows[0] + Environment.NewLine + rows[1] + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void Redirected_output_gets_only_the_finished_epochs()
    {
        var writer = new StringWriter();
        var history = new TrainingHistory(1);
        var progress = new ProgressDisplay(new LiveOutput(writer, Kind.Lines), history);

        progress.Show(() => "epoch 1/1  batch 3/10  loss 0.5000");
        history.Add(new EpochResult(1, 0.5, null, null, null, TimeSpan.FromSeconds(1)));
        progress.EndEpoch();

        Assert.DoesNotContain("batch", writer.ToString());
        Assert.DoesNotContain("\r", writer.ToString().Replace(Environment.NewLine, "\n"));
    }
}
