using DeepLearningCourse.Data;
using DeepLearningCourse.Display;
using DeepLearningCourse.Tests.Data;
using DeepLearningCourse.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Formatting;
using OxyPlot;
using OxyPlot.Axes;
using SkiaSharp;
using TorchSharp;

namespace DeepLearningCourse.Tests.Display;

public class DisplayTests
{
    public DisplayTests() => TorchFixture.Ensure();

    static SKBitmap Decode(PngImage png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png.Bytes[..8]);
        var bitmap = SKBitmap.Decode(png.Bytes);
        Assert.NotNull(bitmap);
        Assert.Equal(png.Width, bitmap.Width);
        Assert.Equal(png.Height, bitmap.Height);
        return bitmap;
    }

    [Fact]
    public void A_small_grayscale_image_is_enlarged_with_sharp_pixels()
    {
        using var image = torch.tensor(new float[] { 0, 1, 1, 0 }).reshape(2, 2);
        using var bitmap = Decode(Images.Show(image));

        Assert.Equal(140, bitmap.Width);
        Assert.Equal(140, bitmap.Height);
        Assert.Equal(SKColors.Black, bitmap.GetPixel(10, 10));
        Assert.Equal(SKColors.White, bitmap.GetPixel(130, 10));
        Assert.Equal(SKColors.White, bitmap.GetPixel(10, 130));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(130, 130));
    }

    [Fact]
    public void Normalised_colour_images_are_un_normalised_before_drawing()
    {
        // A pure red 3x200x200 image after Normalize(mean 0.5, std 0.5) holds 1 in red and -1 elsewhere.
        using var red = torch.stack([torch.ones(200, 200), -torch.ones(200, 200), -torch.ones(200, 200)]);
        using var normalize = Transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
        using var bitmap = Decode(Images.Show(red, normalize));

        Assert.Equal(200, bitmap.Width);
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(100, 100));
    }

    [Fact]
    public void Stretching_draws_an_images_lowest_value_black_and_its_highest_white()
    {
        // A filter output: values far outside [0,1], which plain display would clip to black and white.
        using var image = torch.tensor(new float[] { -4, 0, 2, 8 }).reshape(1, 2, 2);
        using var stretched = Decode(Images.Show(image, stretch: true));
        using var clipped = Decode(Images.Show(image));

        Assert.Equal(SKColors.Black, stretched.GetPixel(10, 10));
        Assert.Equal(new SKColor(85, 85, 85), stretched.GetPixel(130, 10));
        Assert.Equal(new SKColor(128, 128, 128), stretched.GetPixel(10, 130));
        Assert.Equal(SKColors.White, stretched.GetPixel(130, 130));
        Assert.Equal(SKColors.Black, clipped.GetPixel(130, 10));
        Assert.Equal(SKColors.White, clipped.GetPixel(10, 130));
    }

    [Fact]
    public void A_stretched_grid_stretches_each_image_on_its_own()
    {
        // Two flat-topped maps with different ranges: each one's maximum is white.
        using var batch = torch.stack([torch.tensor(new float[] { 0, 2, 0, 2 }).reshape(1, 2, 2), torch.tensor(new float[] { 0, 0.5f, 0, 0.5f }).reshape(1, 2, 2)]);
        using var bitmap = Decode(Images.Grid(batch, columns: 2, stretch: true));

        var tile = (bitmap.Width - 3 * 6) / 2;
        Assert.Equal(SKColors.White, bitmap.GetPixel(6 + tile - 5, 6 + 5));
        Assert.Equal(SKColors.White, bitmap.GetPixel(6 + tile + 6 + tile - 5, 6 + 5));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(6 + tile + 6 + 5, 6 + 5));
    }

    [Fact]
    public void A_grid_undoes_the_normalisation_of_every_image()
    {
        // Gray 0.25 after Normalize(0.5, 0.5) is -0.5; shown raw it would be clipped to black.
        using var normalize = Transforms.Normalize([0.5], [0.5]);
        using var batch = normalize.call(torch.full(2, 1, 28, 28, 0.25f));
        using var bitmap = Decode(Images.Grid(batch, normalize: normalize));

        Assert.Equal(new SKColor(64, 64, 64), bitmap.GetPixel(6 + 50, 6 + 50));
    }

    [Fact]
    public void A_grid_of_large_photos_fits_a_notebook_and_stays_small()
    {
        // Smooth colour fields with grain: as hard to compress as photographs, unlike noise or flat colour.
        using var scope = torch.NewDisposeScope();
        var photos = (torch.nn.functional.interpolate(torch.rand(16, 3, 6, 6), [224, 224], mode: torch.InterpolationMode.Bicubic, align_corners: false)
            + 0.04 * torch.randn(16, 3, 224, 224)).clamp(0, 1);
        var png = Images.Grid(photos, Enumerable.Repeat("photo", 16).ToList(), columns: 8);
        using var bitmap = Decode(png);

        Assert.InRange(bitmap.Width, 900, Images.MaximumWidth);
        Assert.InRange(png.Bytes.Length, 1, 200_000);
        // The palette keeps colours close: the first tile's mean colour is the first photo's within a few levels.
        var tile = (Left: 6, Top: 6, Side: bitmap.Width / 8 - 6);
        var pixels = (from y in Enumerable.Range(tile.Top, tile.Side) from x in Enumerable.Range(tile.Left, tile.Side) select bitmap.GetPixel(x, y)).ToList();
        var shown = new[] { pixels.Average(p => p.Red), pixels.Average(p => p.Green), pixels.Average(p => p.Blue) };
        for (int c = 0; c < 3; c++)
            Assert.InRange(shown[c] - 255 * photos[0, c].mean().item<float>(), -6, 6);
    }

    [Fact]
    public void A_large_single_photo_is_scaled_down_to_the_notebook_width()
    {
        using var photo = torch.rand(3, 1200, 1600);
        var png = Images.Show(photo);

        Assert.Equal(Images.MaximumHeight, png.Height);
        Assert.Equal(Math.Round(Images.MaximumHeight * 1600 / 1200.0), png.Width);
    }

    [Fact]
    public void A_grid_lays_out_every_image_with_its_title()
    {
        using var batch = torch.rand(10, 1, 28, 28);
        var titles = Enumerable.Range(0, 10).Select(i => $"digit {i}").ToList();
        using var bitmap = Decode(Images.Grid(batch, titles, columns: 5));

        // 5 columns and 2 rows of 112 px tiles (28 px x 4), 6 px gaps, 18 px for each title.
        Assert.Equal(5 * (112 + 6) + 6, bitmap.Width);
        Assert.Equal(2 * (112 + 18 + 6) + 6, bitmap.Height);
    }

    [Fact]
    public void Grid_tiles_grow_until_their_titles_fit_as_far_as_the_row_allows()
    {
        using var scope = torch.NewDisposeScope();
        var batch = torch.rand(4, 3, 32, 32);
        using var shortTitles = Decode(Images.Grid(batch, Enumerable.Repeat("cat", 4).ToList(), columns: 4));
        using var longTitles = Decode(Images.Grid(batch, Enumerable.Repeat("french-alpine-landscape", 4).ToList(), columns: 4));

        // Short titles: 96 px tiles (32 px x 3). Long ones: a whole multiple of 32 px wide enough for the text.
        Assert.Equal(4 * (96 + 6) + 6, shortTitles.Width);
        var tile = (longTitles.Width - 6) / 4 - 6;
        Assert.Equal(0, tile % 32);
        Assert.InRange(tile, 150, (Images.MaximumWidth - 6) / 4 - 6);

        // Ten columns leave no room to grow: the grid still fits a notebook.
        using var crowded = Decode(Images.Grid(torch.rand(10, 3, 32, 32), Enumerable.Repeat("french-alpine-landscape", 10).ToList(), columns: 10));
        Assert.InRange(crowded.Width, 1, Images.MaximumWidth);
    }

    [Fact]
    public void A_grid_title_may_have_several_lines()
    {
        using var batch = torch.ones(2, 1, 28, 28);
        using var oneLine = Decode(Images.Grid(batch, ["a", "b"]));
        using var twoLines = Decode(Images.Grid(batch, ["cat\n(dog)", "b"]));

        Assert.Equal(oneLine.Height + 16, twoLines.Height);
        // The second line is drawn in the band below the first, under the first tile.
        var band = from y in Enumerable.Range(6 + 112 + 18, 16) from x in Enumerable.Range(6, 112) select twoLines.GetPixel(x, y);
        Assert.Contains(band, p => p.Red < 128);
    }

    [Fact]
    public void A_grid_needs_one_title_per_image()
    {
        using var batch = torch.rand(3, 1, 8, 8);
        Assert.Throws<ArgumentException>(() => Images.Grid(batch, ["only one"]));
    }

    [Theory]
    [InlineData(new long[] { 4 })]
    [InlineData(new long[] { 2, 3, 4, 4 })]
    [InlineData(new long[] { 2, 4, 4 })]
    public void Shapes_that_are_not_images_are_rejected(long[] shape)
    {
        using var notAnImage = torch.zeros(shape);
        Assert.Throws<ArgumentException>(() => Images.Show(notAnImage));
    }

    [Fact]
    public void A_line_chart_is_a_png_of_the_requested_size()
    {
        using var bitmap = Decode(Charts.Line("Loss", "epoch", "loss", ("train", [1.9, 0.87, 0.54]), ("validation", [2.0, 1.0, 0.7])));
        Assert.Equal(640, bitmap.Width);
        Assert.Equal(400, bitmap.Height);
        // Something besides background was drawn.
        Assert.Contains(Enumerable.Range(0, 400).Select(y => bitmap.GetPixel(320, y)), c => c != SKColors.White);
    }

    [Fact]
    public void A_line_chart_over_given_x_values_needs_an_x_for_every_point()
    {
        var png = Charts.Line("f", "x", "f(x)", [-1.0, 0.0, 1.0], ("square", [1.0, 0.0, 1.0]));
        Assert.Equal(640, png.Width);
        Assert.Throws<ArgumentException>(() => Charts.Line("f", "x", "f(x)", [0.0, 1.0], ("too long", [1.0, 2.0, 3.0])));
    }

    [Fact]
    public void A_log_line_chart_has_a_logarithmic_y_axis_and_refuses_values_it_cannot_place()
    {
        var model = Charts.LineModel("Loss", "batch", "loss", null, [("large", [8000.0, 40.0, 2.0]), ("small", [2.3, 0.9, 0.5])], logarithmicY: true);
        Assert.IsType<LogarithmicAxis>(model.Axes.Single(a => a.Position == AxisPosition.Left));
        Assert.IsType<LinearAxis>(Charts.LineModel("Loss", "batch", "loss", null, [("small", [2.3, 0.9])]).Axes.Single(a => a.Position == AxisPosition.Left));

        using var bitmap = Decode(Charts.LogLine("Loss", "batch", "loss", ("large", [8000.0, 40.0, 2.0]), ("small", [2.3, 0.9, 0.5])));
        Assert.Equal(Charts.LineWidth, bitmap.Width);
        var error = Assert.Throws<ArgumentException>(() => Charts.LogLine("Loss", "batch", "loss", ("zero", [1.0, 0.0])));
        Assert.Contains("'zero'", error.Message);
    }

    [Fact]
    public void A_histogram_counts_each_set_over_shared_bins()
    {
        var model = Charts.HistogramModel("w", "weight", 4, [("a", [0.0, 0.1, 0.3, 0.6, 1.0]), ("b", [0.5, 0.55, 0.99])]);

        // Bins of width 0.25 from 0 to 1; the largest value falls in the last bin.
        var counts = model.Series.OfType<OxyPlot.Series.HistogramSeries>().Select(s => s.Items.Select(i => i.Count).ToArray()).ToList();
        Assert.Equal([2, 1, 1, 1], counts[0]);
        Assert.Equal([0, 0, 2, 1], counts[1]);
        var first = model.Series.OfType<OxyPlot.Series.HistogramSeries>().First().Items;
        Assert.Equal(0.0, first[0].RangeStart, 12);
        Assert.Equal(1.0, first[^1].RangeEnd, 12);
        // A bar is as high as its count.
        Assert.All(first, item => Assert.Equal(item.Count, item.Height, 9));
    }

    [Fact]
    public void A_histogram_of_equal_values_has_one_full_bin_and_renders()
    {
        var model = Charts.HistogramModel("zeros", "weight", 5, [("zeros", [0.0, 0.0, 0.0])]);
        var items = model.Series.OfType<OxyPlot.Series.HistogramSeries>().Single().Items;
        Assert.Equal(3, items.Sum(i => i.Count));
        Assert.Single(items, i => i.Count == 3);

        using var zeros = torch.zeros(16, 8);
        using var bitmap = Decode(Charts.Histogram("zeros", "weight", 5, ("zeros", zeros)));
        Assert.Equal(Charts.LineWidth, bitmap.Width);
    }

    [Fact]
    public void A_histogram_counts_every_element_of_a_tensor_and_refuses_what_it_cannot_count()
    {
        using var weights = torch.tensor(new double[] { 0.0, 0.1, 0.3, 0.6, 1.0, 1.0 }).reshape(2, 3);
        Assert.Equal(Charts.Histogram("w", "weight", 4, ("w", [0.0, 0.1, 0.3, 0.6, 1.0, 1.0])).Bytes, Charts.Histogram("w", "weight", 4, ("w", weights)).Bytes);

        Assert.Throws<ArgumentException>(() => Charts.Histogram("w", "weight", 4, ("empty", new List<double>())));
        Assert.Throws<ArgumentException>(() => Charts.Histogram("w", "weight", 4, ("nan", [0.0, double.NaN])));
        Assert.Throws<ArgumentOutOfRangeException>(() => Charts.Histogram("w", "weight", 0, ("a", [1.0])));
    }

    [Fact]
    public void Charts_take_tensors_as_they_take_lists()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.linspace(-2, 2, 9, dtype: torch.float64);
        var xs = x.data<double>().ToArray();

        var fromTensors = Charts.Line("f", "x", "f(x)", x, ("square", x * x), ("cube", (x * x * x).unsqueeze(1)));
        var fromLists = Charts.Line("f", "x", "f(x)", xs, ("square", xs.Select(v => v * v).ToList()), ("cube", xs.Select(v => v * v * v).ToList()));
        Assert.Equal(fromLists.Bytes, fromTensors.Bytes);

        var losses = torch.tensor(new float[] { 1.5f, 0.75f, 0.5f });
        Assert.Equal(Charts.Line("Loss", "epoch", "loss", ("train", [1.5, 0.75, 0.5])).Bytes, Charts.Line("Loss", "epoch", "loss", ("train", losses)).Bytes);
        Assert.Equal(Charts.Bars("p", ["a", "b"], [0.25, 0.75]).Bytes, Charts.Bars("p", ["a", "b"], torch.tensor(new[] { 0.25f, 0.75f })).Bytes);
    }

    [Fact]
    public void A_chart_refuses_a_tensor_with_more_than_one_value_per_point()
    {
        using var table = torch.zeros(3, 4);
        var error = Assert.Throws<ArgumentException>(() => Charts.Line("Loss", "epoch", "loss", ("train", table)));
        Assert.Contains("'train' has shape [3, 4]", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(40)]
    public void A_counted_axis_has_whole_number_ticks(int epochs)
    {
        var model = Charts.LineModel("Loss", "epoch", "loss", null, [("train", Enumerable.Range(1, epochs).Select(e => 1.0 / e).ToList())]);
        Charts.Render(model, Charts.LineWidth, Charts.LineHeight);

        var x = (LinearAxis)model.Axes.Single(a => a.Position == AxisPosition.Bottom);
        Assert.True(x.ActualMajorStep >= 1 && x.ActualMajorStep == Math.Round(x.ActualMajorStep), $"major step {x.ActualMajorStep}");
        Assert.True(x.ActualMinorStep >= 1 && x.ActualMinorStep == Math.Round(x.ActualMinorStep), $"minor step {x.ActualMinorStep}");
    }

    [Fact]
    public void Points_that_are_not_finite_are_left_out_and_the_chart_says_which()
    {
        var model = Charts.LineModel("Loss", "epoch", "loss", null,
            [("training loss", [0.9, double.NaN, double.NaN]), ("validation loss", [1.0, 0.8, double.PositiveInfinity])]);
        Charts.Render(model, Charts.LineWidth, Charts.LineHeight);

        Assert.Contains("'training loss' at x = 2, 3", model.Subtitle);
        Assert.Contains("'validation loss' at x = 3", model.Subtitle);
        var lines = model.Series.Cast<OxyPlot.Series.LineSeries>().ToList();
        Assert.All(lines, line => Assert.All(line.Points.Where(p => p.IsDefined()), p => Assert.True(double.IsFinite(p.Y))));
        Assert.Equal(1, lines[0].Points.Count(p => p.IsDefined()));

        var clean = Charts.LineModel("Loss", "epoch", "loss", null, [("training loss", [0.9, 0.5])]);
        Assert.True(string.IsNullOrEmpty(clean.Subtitle));
    }

    [Fact]
    public void The_legend_lies_outside_the_lines()
    {
        var model = Charts.LineModel("Loss", "epoch", "loss", null, [("training loss", [2.0, 1.0, 0.5]), ("validation loss", [2.1, 1.2, 0.9])]);
        Charts.Render(model, Charts.LineWidth, Charts.LineHeight);

        var legend = model.Legends.Single().LegendArea;
        Assert.True(legend.Width > 0);
        Assert.True(legend.Left >= model.PlotArea.Right, $"legend {legend} overlaps plot area {model.PlotArea}");
    }

    [Fact]
    public void View_classify_puts_the_image_beside_the_probability_chart()
    {
        using var digit = torch.rand(1, 28, 28);
        using var probabilities = torch.softmax(torch.randn(10), 0);
        var png = Charts.ViewClassify(digit, probabilities, Enumerable.Range(0, 10).Select(i => i.ToString()).ToList());
        using var bitmap = Decode(png);

        Assert.Equal(140 + 420, bitmap.Width);
        Assert.True(bitmap.Height >= 300);
    }

    [Fact]
    public void View_classify_shows_a_normalised_image_as_it_was()
    {
        using var normalize = Transforms.Normalize([0.5], [0.5]);
        using var gray = normalize.call(torch.full(1, 28, 28, 0.25f));
        using var probabilities = torch.tensor(new float[] { 0.5f, 0.5f });
        using var bitmap = Decode(Charts.ViewClassify(gray, probabilities, ["a", "b"], normalize));

        Assert.Equal(new SKColor(64, 64, 64), bitmap.GetPixel(70, bitmap.Height / 2));
        Assert.Contains(Enumerable.Range(140, 420).Select(x => bitmap.GetPixel(x, bitmap.Height / 2)), c => c != SKColors.White);
    }

    [Fact]
    public void View_classify_needs_a_name_for_every_class()
    {
        using var digit = torch.rand(1, 28, 28);
        using var probabilities = torch.softmax(torch.randn(10), 0);
        Assert.Throws<ArgumentException>(() => Charts.ViewClassify(digit, probabilities, ["a", "b"]));
    }

    [Fact]
    public void Notebooks_receive_images_as_base64_png()
    {
        NotebookFormatters.Register();
        var png = Charts.Bars("p", ["a", "b"], [0.25, 0.75]);
        var formatted = png.ToDisplayString("image/png");
        Assert.Equal(png.Bytes, Convert.FromBase64String(formatted));
    }

    [Fact]
    public void Notebooks_show_a_tensors_values_shape_and_type()
    {
        NotebookFormatters.Register();
        using var t = torch.tensor(new float[] { 1.5f, 2.5f });
        var text = t.ToDisplayString("text/plain");
        Assert.Contains("1.5", text);
        Assert.Contains("2.5", text);
        Assert.Contains("[2], Float32, cpu", text);
    }

    [Fact]
    public void Networks_are_listed_layer_by_layer_with_their_parameter_count()
    {
        NotebookFormatters.Register();
        var model = torch.nn.Sequential(("fc1", torch.nn.Linear(784, 128)), ("relu1", torch.nn.ReLU()), ("output", torch.nn.Linear(128, 10)));
        var lines = model.ToDisplayString("text/plain").Split('\n');

        Assert.Equal("Sequential (101,770 parameters)", lines[0]);
        Assert.Equal("  (fc1) Linear  weight [128, 784]  bias [128]", lines[1]);
        Assert.Equal("  (relu1) ReLU", lines[2]);
        Assert.Equal("  (output) Linear  weight [10, 128]  bias [10]", lines[3]);
    }

    [Fact]
    public void A_loader_shows_its_summary_without_loading_a_batch()
    {
        NotebookFormatters.Register();
        var dataset = new NumberDataset(100);
        var loader = new DataLoader(dataset, 32);

        var text = loader.ToDisplayString("text/plain");

        Assert.Equal("DataLoader: 4 batches of 32 (in order) on cpu, from 100 numbers", text);
        Assert.Equal(0, dataset.Reads);
    }

    static TrainingHistory TwoEpochs()
    {
        var history = new TrainingHistory(2);
        history.Add(new EpochResult(1, 0.9, 0.6, 0.8, 0.7, TimeSpan.FromSeconds(1)));
        history.Add(new EpochResult(2, 0.5, 0.8, 0.6, 0.75, TimeSpan.FromSeconds(1)));
        return history;
    }

    [Fact]
    public void A_history_shows_its_table_when_no_Fit_in_this_command_showed_it()
    {
        NotebookFormatters.Register();
        var history = TwoEpochs();
        var table = history.ToString();

        Assert.StartsWith("epoch  train loss  train acc  valid loss  valid acc", table);
        Assert.Equal(3, table.Split('\n').Length);
        Assert.Equal(table, history.ToDisplayString("text/plain"));

        // Shown by a Fit in another command: a later cell that ends with the history shows it again.
        history.ShownBy = new SubmitCode("trainer.Fit(trainloader, 2)");
        Assert.Equal(table, history.ToDisplayString("text/plain"));
    }

    [Fact]
    public void A_history_already_shown_by_Fit_in_the_same_command_adds_nothing()
    {
        NotebookFormatters.Register();
        var history = TwoEpochs();
        var command = new SubmitCode("var history = trainer.Fit(trainloader, 2); history");
        history.ShownBy = command;

        using (KernelInvocationContext.GetOrCreateAmbientContext(command))
            Assert.Equal("", history.ToDisplayString("text/plain"));
        using (KernelInvocationContext.GetOrCreateAmbientContext(new SubmitCode("history")))
            Assert.Equal(history.ToString(), history.ToDisplayString("text/plain"));
    }
}
