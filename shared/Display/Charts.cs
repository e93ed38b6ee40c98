using DeepLearningCourse.Data;
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
/// Values come as lists of numbers or as tensors (any device, any float type, one value per point).
/// </summary>
public static class Charts
{
    /// <summary>
    /// One or more named lines over a counted x axis (1, 2, 3, …) with whole-number ticks, e.g.
    /// training and validation loss per epoch.
    /// </summary>
    public static PngImage Line(string title, string xLabel, string yLabel,
        params (string Name, IReadOnlyList<double> Values)[] series) =>
        Render(LineModel(title, xLabel, yLabel, null, series), LineWidth, LineHeight);

    /// <inheritdoc cref="Line(string, string, string, ValueTuple{string, IReadOnlyList{double}}[])"/>
    public static PngImage Line(string title, string xLabel, string yLabel,
        params (string Name, torch.Tensor Values)[] series) =>
        Render(LineModel(title, xLabel, yLabel, null, Values(series)), LineWidth, LineHeight);

    /// <summary>One or more named lines over the given <paramref name="x"/> values, e.g. a function plotted over an interval.</summary>
    public static PngImage Line(string title, string xLabel, string yLabel, IReadOnlyList<double> x,
        params (string Name, IReadOnlyList<double> Values)[] series) =>
        Render(LineModel(title, xLabel, yLabel, x, series), LineWidth, LineHeight);

    /// <inheritdoc cref="Line(string, string, string, IReadOnlyList{double}, ValueTuple{string, IReadOnlyList{double}}[])"/>
    public static PngImage Line(string title, string xLabel, string yLabel, torch.Tensor x,
        params (string Name, torch.Tensor Values)[] series) =>
        Render(LineModel(title, xLabel, yLabel, Values(x, "x"), Values(series)), LineWidth, LineHeight);

    /// <summary>
    /// As <see cref="Line(string, string, string, ValueTuple{string, IReadOnlyList{double}}[])"/>, on a logarithmic
    /// y axis (matplotlib's <c>plt.yscale("log")</c>): for positive values that span several orders of magnitude,
    /// e.g. losses that start in the thousands for some runs and near 1 for others.
    /// </summary>
    public static PngImage LogLine(string title, string xLabel, string yLabel,
        params (string Name, IReadOnlyList<double> Values)[] series)
    {
        var notPositive = series.FirstOrDefault(s => s.Values.Any(v => !(v > 0)));
        if (notPositive.Values is not null)
            throw new ArgumentException($"Series '{notPositive.Name}' has values that are not positive, which a logarithmic axis cannot show.", nameof(series));
        return Render(LineModel(title, xLabel, yLabel, null, series, logarithmicY: true), LineWidth, LineHeight);
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

    /// <inheritdoc cref="Bars(string, IReadOnlyList{string}, IReadOnlyList{double}, double?, int, int)"/>
    public static PngImage Bars(string title, IReadOnlyList<string> categories, torch.Tensor values,
        double? maximum = null, int width = 420, int height = 360) =>
        Bars(title, categories, (IReadOnlyList<double>)Values(values, nameof(values)), maximum, width, height);

    /// <summary>
    /// How the values of one or more sets are distributed: each set's count per bin, drawn as
    /// see-through bars over the same <paramref name="bins"/> equal bins, which span all the sets' values
    /// (e.g. a layer's weights under different initialisations).
    /// </summary>
    public static PngImage Histogram(string title, string xLabel, int bins,
        params (string Name, IReadOnlyList<double> Values)[] series) =>
        Render(HistogramModel(title, xLabel, bins, series), LineWidth, LineHeight);

    /// <inheritdoc cref="Histogram(string, string, int, ValueTuple{string, IReadOnlyList{double}}[])"/>
    /// <remarks>Every element of each tensor counts, whatever its shape (a weight matrix, say).</remarks>
    public static PngImage Histogram(string title, string xLabel, int bins,
        params (string Name, torch.Tensor Values)[] series) =>
        Histogram(title, xLabel, bins, series.Select(s => (s.Name, (IReadOnlyList<double>)AllValues(s.Values))).ToArray());

    /// <summary>The histogram before rendering: one series per set, its items the bins with their counts.</summary>
    internal static PlotModel HistogramModel(string title, string xLabel, int bins, (string Name, IReadOnlyList<double> Values)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("A histogram needs at least one set of values.", nameof(series));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "A histogram needs at least one bin.");
        var empty = series.FirstOrDefault(s => s.Values.Count == 0);
        if (empty.Values is not null) throw new ArgumentException($"Set '{empty.Name}' has no values.", nameof(series));
        var all = series.SelectMany(s => s.Values).ToList();
        if (all.Any(v => !double.IsFinite(v))) throw new ArgumentException("A histogram counts finite values only; some are NaN or infinite.", nameof(series));

        var (low, high) = (all.Min(), all.Max());
        // Values that are all equal (weights filled with one constant) get a bin of width 1 around them.
        if (low == high) (low, high) = (low - 0.5, high + 0.5);
        var width = (high - low) / bins;

        var model = NewModel(title);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "count", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        for (int s = 0; s < series.Length; s++)
        {
            var counts = new int[bins];
            // The top edge belongs to the last bin, so the largest value is counted.
            foreach (var v in series[s].Values) counts[Math.Min(bins - 1, (int)((v - low) / width))]++;
            var colour = model.DefaultColors[s % model.DefaultColors.Count];
            // A bar's area is its count times its width, so that its height is the count.
            var bars = new HistogramSeries { Title = series[s].Name, FillColor = OxyColor.FromAColor(series.Length > 1 ? (byte)70 : (byte)200, colour), StrokeColor = colour, StrokeThickness = 1.5 };
            for (int b = 0; b < bins; b++)
                bars.Items.Add(new HistogramItem(low + b * width, low + (b + 1) * width, counts[b] * width, counts[b]));
            model.Series.Add(bars);
        }
        if (series.Length > 1)
            model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop });
        return model;
    }

    /// <summary>
    /// The course's <c>view_classify</c>: an image beside a bar chart of the probability the network
    /// gives each class. <paramref name="probabilities"/> holds one row or a flat vector of class
    /// probabilities; give the <paramref name="normalize"/> transform the image went through to show it as it was.
    /// </summary>
    public static PngImage ViewClassify(torch.Tensor image, torch.Tensor probabilities, IReadOnlyList<string> classNames,
        IInvertibleTransform? normalize = null)
    {
        var p = Values(probabilities, nameof(probabilities));
        if (p.Length != classNames.Count)
            throw new ArgumentException($"{p.Length} probabilities but {classNames.Count} class names.", nameof(classNames));
        var picture = Images.Show(image, normalize);
        var chart = Bars("Class probability", classNames, (IReadOnlyList<double>)p, maximum: 1.1, height: Math.Max(picture.Height, 300));
        return Images.Beside(picture, chart);
    }

    /// <summary>The numbers in <paramref name="values"/>, which must hold one value per point (a vector, or a row or column).</summary>
    static double[] Values(torch.Tensor values, string name)
    {
        if (values.shape.Count(d => d > 1) > 1)
            throw new ArgumentException($"'{name}' has shape {values.Shape()}; a chart needs one value per point, e.g. shape [N].", name);
        return AllValues(values);
    }

    /// <summary>Every number in <paramref name="values"/>, whatever its shape.</summary>
    static double[] AllValues(torch.Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        return values.detach().cpu().to_type(torch.ScalarType.Float64).flatten().data<double>().ToArray();
    }

    static (string Name, IReadOnlyList<double> Values)[] Values((string Name, torch.Tensor Values)[] series) =>
        series.Select(s => (s.Name, (IReadOnlyList<double>)Values(s.Values, s.Name))).ToArray();

    /// <summary>Line charts leave room on the right for the legend and still fit a notebook's width.</summary>
    internal const int LineWidth = 640, LineHeight = 400;

    /// <summary>The line chart before rendering; a null <paramref name="x"/> counts 1, 2, 3, … with whole-number ticks.</summary>
    internal static PlotModel LineModel(string title, string xLabel, string yLabel, IReadOnlyList<double>? x,
        (string Name, IReadOnlyList<double> Values)[] series, bool logarithmicY = false)
    {
        if (series.Length == 0) throw new ArgumentException("A line chart needs at least one series.", nameof(series));
        var counted = x is null;
        x ??= Enumerable.Range(1, series.Max(s => s.Values.Count)).Select(i => (double)i).ToList();
        var model = NewModel(title);
        var xAxis = new LinearAxis { Position = AxisPosition.Bottom, Title = xLabel, MajorGridlineStyle = LineStyle.Dot };
        if (counted)
        {
            // Epoch 1.5 does not exist: ticks only on whole numbers.
            xAxis.MinimumMajorStep = 1;
            xAxis.MinimumMinorStep = 1;
            xAxis.StringFormat = "0";
        }
        model.Axes.Add(xAxis);
        var dropped = new List<string>();
        model.Axes.Add(logarithmicY
            ? new LogarithmicAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot }
            : new LinearAxis { Position = AxisPosition.Left, Title = yLabel, MajorGridlineStyle = LineStyle.Dot });
        foreach (var (name, values) in series)
        {
            if (values.Count > x.Count)
                throw new ArgumentException($"Series '{name}' has {values.Count} values but there are only {x.Count} x values.", nameof(series));
            var line = new LineSeries { Title = name, MarkerType = values.Count <= 50 ? MarkerType.Circle : MarkerType.None, MarkerSize = 3 };
            var notDrawn = new List<double>();
            for (int i = 0; i < values.Count; i++)
            {
                // A NaN or infinite value has no place on the axis; the line breaks there, and the chart says so below.
                var drawable = double.IsFinite(values[i]);
                line.Points.Add(drawable ? new DataPoint(x[i], values[i]) : DataPoint.Undefined);
                if (!drawable) notDrawn.Add(x[i]);
            }
            if (notDrawn.Count > 0) dropped.Add($"'{name}' at {XList(notDrawn)}");
            model.Series.Add(line);
        }
        if (dropped.Count > 0)
        {
            model.Subtitle = $"Not drawn (not a finite number): {string.Join("; ", dropped)}";
            model.SubtitleColor = OxyColors.DarkRed;
        }
        // Outside the plot area, a legend never covers a line.
        if (series.Length > 1)
            model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop });
        return model;
    }

    /// <summary>The x values of points left out, the first few of them when there are many.</summary>
    static string XList(List<double> xs) =>
        $"x = {string.Join(", ", xs.Take(5).Select(v => v.ToString("G4", Formats.Number)))}{(xs.Count > 5 ? $" and {xs.Count - 5} more" : "")}";

    static PlotModel NewModel(string title) => new()
    {
        Title = title,
        TitleFontSize = 14,
        DefaultFont = "DejaVu Sans",
        Background = OxyColors.White,
        PlotAreaBorderColor = OxyColors.Gray,
        DefaultColors = Palette,
    };

    /// <summary>Ten colours that stay apart from each other (matplotlib's "tab10"), so up to ten series never share one.</summary>
    static readonly IList<OxyColor> Palette = new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }
        .Select(OxyColor.Parse).ToList();

    internal static PngImage Render(PlotModel model, int width, int height)
    {
        using var stream = new MemoryStream();
        new PngExporter { Width = width, Height = height }.Export(model, stream);
        return new PngImage(stream.ToArray(), width, height);
    }
}
