using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using TorchSharp;

namespace DeepLearningCourse.Display;

/// <summary>
/// Static charts drawn by OxyPlot (SkiaSharp renderer) and returned as PNG, so they show up in
/// VS Code, on GitHub and offline alike. XPlot.Plotly charts need a script from a CDN instead.
/// </summary>
public static class Charts
{
    /// <summary>One or more named lines over a shared x axis, e.g. training and validation loss per epoch (numbered from 1).</summary>
    public static PngImage Line(string title, string xLabel, string yLabel,
        params (string Name, IReadOnlyList<double> Values)[] series) =>
        Line(title, xLabel, yLabel, Enumerable.Range(1, series.Max(s => s.Values.Count)).Select(i => (double)i).ToList(), series);

    /// <summary>One or more named lines over the given <paramref name="x"/> values, e.g. a function plotted over an interval.</summary>
    public static PngImage Line(string title, string xLabel, string yLabel, IReadOnlyList<double> x,
        params (string Name, IReadOnlyList<double> Values)[] series)
    {
        var model = NewModel(title);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot });
        foreach (var (name, values) in series)
        {
            if (values.Count > x.Count)
                throw new ArgumentException($"Series '{name}' has {values.Count} values but there are only {x.Count} x values.", nameof(series));
            var line = new LineSeries { Title = name, MarkerType = values.Count <= 50 ? MarkerType.Circle : MarkerType.None, MarkerSize = 3 };
            for (int i = 0; i < values.Count; i++) line.Points.Add(new DataPoint(x[i], values[i]));
            model.Series.Add(line);
        }
        if (series.Length > 1) model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopLeft });
        return Render(model, 640, 400);
    }

    /// <summary>A horizontal bar per category, e.g. the probability of each class.</summary>
    public static PngImage Bars(string title, IReadOnlyList<string> categories, IReadOnlyList<double> values,
        double? maximum = null, int width = 420, int height = 360)
    {
        if (categories.Count != values.Count)
            throw new ArgumentException($"{categories.Count} categories but {values.Count} values.", nameof(values));
        var model = NewModel(title);
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, ItemsSource = categories, IsZoomEnabled = false, StartPosition = 1, EndPosition = 0 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Minimum = 0, Maximum = maximum ?? double.NaN, MajorGridlineStyle = LineStyle.Dot });
        var bars = new BarSeries { FillColor = OxyColor.FromRgb(0x3b, 0x75, 0xaf) };
        foreach (var v in values) bars.Items.Add(new BarItem(v));
        model.Series.Add(bars);
        return Render(model, width, height);
    }

    /// <summary>
    /// The course's <c>view_classify</c>: an image beside a bar chart of the probability the network
    /// gives each class. <paramref name="probabilities"/> holds one row or a flat vector of class probabilities.
    /// </summary>
    public static PngImage ViewClassify(torch.Tensor image, torch.Tensor probabilities, IReadOnlyList<string> classNames,
        double[]? mean = null, double[]? std = null)
    {
        var p = probabilities.detach().to(torch.CPU).to_type(torch.ScalarType.Float64).flatten().data<double>().ToArray();
        if (p.Length != classNames.Count)
            throw new ArgumentException($"{p.Length} probabilities but {classNames.Count} class names.", nameof(classNames));
        var picture = Images.Show(image, mean, std);
        var chart = Bars("Class probability", classNames, p, maximum: 1.1, height: Math.Max(picture.Height, 300));
        return Images.Beside(picture, chart);
    }

    static PlotModel NewModel(string title) => new()
    {
        Title = title,
        TitleFontSize = 14,
        DefaultFont = "DejaVu Sans",
        Background = OxyColors.White,
        PlotAreaBorderColor = OxyColors.Gray,
    };

    static PngImage Render(PlotModel model, int width, int height)
    {
        using var stream = new MemoryStream();
        new PngExporter { Width = width, Height = height }.Export(model, stream);
        return new PngImage(stream.ToArray(), width, height);
    }
}
