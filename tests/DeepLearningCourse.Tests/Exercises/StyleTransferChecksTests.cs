using DeepLearningCourse.Exercises;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepLearningCourse.Tests.Exercises;

/// <summary>
/// Lesson 10's exercises (Gram matrix, content loss, style loss): the lesson's answers pass, stubs are
/// "not done yet", and each typical mistake gets its own hint.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class StyleTransferChecksTests
{
    public StyleTransferChecksTests() => TorchFixture.Ensure();

    /// <summary>The lesson's answer.</summary>
    static Tensor Gram(Tensor tensor)
    {
        var (d, h, w) = (tensor.shape[1], tensor.shape[2], tensor.shape[3]);
        var rows = tensor.view(d, h * w);
        return torch.mm(rows, rows.t());
    }

    /// <summary>The lesson's answer, or one with a factor left out or changed.</summary>
    static Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>, Dictionary<string, double>, Tensor> StyleLoss(
        bool weighted = true, bool divided = true, bool channels = true, bool mean = true) =>
        (targetFeatures, styleGrams, styleWeights) =>
        {
            var style_loss = torch.zeros(1);
            foreach (var (layer, weight) in styleWeights)
            {
                var feature = targetFeatures[layer];
                var (d, h, w) = (feature.shape[1], feature.shape[2], feature.shape[3]);
                var squared = torch.pow(Gram(feature) - styleGrams[layer], 2);
                var layer_loss = (mean ? squared.mean() : squared.sum()) * (weighted ? weight : 1.0);
                style_loss += divided ? layer_loss / (channels ? d * h * w : h * w) : layer_loss;
            }
            return style_loss;
        };

    [Fact]
    public void The_Gram_matrix_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("Gram matrix (test)", () => StyleTransferChecks.GramMatrix(x => throw new NotImplementedException())).Kind);
        Assert.Equal(VerdictKind.NotDone, StyleTransferChecks.GramMatrix(null).Kind);
        Assert.Equal(VerdictKind.Correct, StyleTransferChecks.GramMatrix(Gram).Kind);

        var wrongWay = StyleTransferChecks.GramMatrix(x =>
        {
            var rows = x.view(x.shape[1], -1);
            return torch.mm(rows.t(), rows);
        });
        var normalised = StyleTransferChecks.GramMatrix(x => Gram(x) / (x.shape[1] * x.shape[2] * x.shape[3]));
        var mixedChannels = StyleTransferChecks.GramMatrix(x =>
        {
            var rows = x.view(-1, x.shape[1]);
            return torch.mm(rows.t(), rows);
        });
        var keptBatch = StyleTransferChecks.GramMatrix(x => Gram(x).unsqueeze(0));

        var hints = new[] { wrongWay, normalised, mixedChannels, keptBatch };
        Assert.All(hints, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("transpose goes on the second factor", wrongWay.Message);
        Assert.Contains("leave it unnormalised", normalised.Message);
        Assert.Contains("view(d, h·w)", mixedChannels.Message);
        Assert.Contains("drop the batch dimension", keptBatch.Message);
        Assert.Equal(hints.Length, hints.Select(v => v.Message).Distinct().Count());
    }

    [Fact]
    public void The_content_loss_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, StyleTransferChecks.ContentLoss(null).Kind);
        Assert.Equal(VerdictKind.Correct, StyleTransferChecks.ContentLoss((t, c) => torch.mean(torch.pow(t - c, 2))).Kind);
        Assert.Equal(VerdictKind.Correct, StyleTransferChecks.ContentLoss((t, c) => nn.functional.mse_loss(t, c)).Kind);

        var summed = StyleTransferChecks.ContentLoss((t, c) => torch.pow(t - c, 2).sum());
        var rooted = StyleTransferChecks.ContentLoss((t, c) => torch.pow(t - c, 2).mean().sqrt());
        var notSquared = StyleTransferChecks.ContentLoss((t, c) => (t - c).abs().mean());
        var perElement = StyleTransferChecks.ContentLoss((t, c) => torch.pow(t - c, 2));

        var hints = new[] { summed, rooted, notSquared, perElement };
        Assert.All(hints, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("sum of the squared differences", summed.Message);
        Assert.Contains("square root", rooted.Message);
        Assert.Contains("square the differences", notSquared.Message);
        Assert.Contains("one number", perElement.Message);
        Assert.Equal(hints.Length, hints.Select(v => v.Message).Distinct().Count());
    }

    [Fact]
    public void The_style_loss_gets_a_hint_for_each_typical_mistake()
    {
        Assert.Equal(VerdictKind.NotDone, StyleTransferChecks.StyleLoss(null, Gram).Kind);
        Assert.Equal(VerdictKind.NotDone, Exercise.Check("style loss (test)", () => StyleTransferChecks.StyleLoss(StyleLoss(), x => throw new NotImplementedException())).Kind);
        Assert.Equal(VerdictKind.Correct, StyleTransferChecks.StyleLoss(StyleLoss(), Gram).Kind);

        var undivided = StyleTransferChecks.StyleLoss(StyleLoss(divided: false), Gram);
        var unweighted = StyleTransferChecks.StyleLoss(StyleLoss(weighted: false), Gram);
        var byArea = StyleTransferChecks.StyleLoss(StyleLoss(channels: false), Gram);
        var summed = StyleTransferChecks.StyleLoss(StyleLoss(mean: false), Gram);

        var hints = new[] { undivided, unweighted, byArea, summed };
        Assert.All(hints, v => Assert.Equal(VerdictKind.Wrong, v.Kind));
        Assert.Contains("divided by its d·h·w", undivided.Message);
        Assert.Contains("layer weights are missing", unweighted.Message);
        Assert.Contains("not only by h·w", byArea.Message);
        Assert.Contains("not their sum", summed.Message);
        Assert.Equal(hints.Length, hints.Select(v => v.Message).Distinct().Count());
    }
}
