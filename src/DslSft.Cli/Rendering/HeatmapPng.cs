using DslSft.IO;
using ScottPlot;

namespace DslSft.Cli.Rendering;

/// <summary>
/// Draws a labelled heatmap PNG (ScottPlot) for `dslsft inspect`: rows are layers (or tensors), columns
/// are tensors within a layer (or a single column), values are the number of changed parameters.
/// Row 0 is drawn at the top. Written atomically.
/// </summary>
public static class HeatmapPng
{
    /// <param name="values">[rows, columns] values; NaN cells (e.g. a tensor a layer lacks) are drawn blank.</param>
    public static void Save(string path, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string colorBarLabel = "changed parameters", int width = 0, int height = 0)
    {
        var png = Render(values, rowLabels, columnLabels, title, colorBarLabel, width, height);
        AtomicFile.WriteStream(path, stream => stream.Write(png));
    }

    /// <summary>The PNG bytes, sized by <see cref="HeatmapLayout"/> unless <paramref name="width"/>/<paramref name="height"/> are given.</summary>
    public static byte[] Render(double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string colorBarLabel = "changed parameters", int width = 0, int height = 0)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rows == 0 || columns == 0) throw new ArgumentException("the heatmap has no cells", nameof(values));
        if (rowLabels.Count != rows) throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows", nameof(rowLabels));
        if (columnLabels.Count != columns) throw new ArgumentException($"{columnLabels.Count} column labels for {columns} columns", nameof(columnLabels));

        var plot = new Plot();
        // ScottPlot 5.1 draws nothing for a heatmap one cell wide; two equal half-cells look the same.
        var heatmap = plot.Add.Heatmap(columns == 1 ? WidenedToTwoColumns(values) : values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.Transparent;
        // Cell (r, c) covers x in [c, c+1] and y in [rows-1-r, rows-r]: row 0 on top, every row one unit high. (Rectangle
        // sets the outer edges; Extent would set the edge cells' centres, leaving the first and last rows half as high.)
        heatmap.Rectangle = new CoordinateRect(0, columns, 0, rows);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = colorBarLabel;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), rowLabels.ToArray());
        var layout = Layout(plot, rowLabels, columnLabels, colorBar);
        plot.Axes.Bottom.TickLabelStyle.Rotation = layout.RotateColumnLabels ? 45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = layout.RotateColumnLabels ? Alignment.MiddleLeft : Alignment.UpperCenter;
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Title(title);
        // The margins come from the measured labels (not ScottPlot's automatic layout, which clips turned labels), and the
        // cells area is a whole number of pixels per row and per column, so rows are drawn equally high.
        plot.Layout.Fixed(new PixelPadding(layout.Left, layout.Right, layout.Bottom, layout.Top));
        return plot.GetImageBytes(width > 0 ? width : layout.Width, height > 0 ? height : layout.Height, ImageFormat.Png);
    }

    /// <summary>The layout of a heatmap with these labels, measured in the fonts <paramref name="plot"/> draws them in.</summary>
    private static HeatmapLayout Layout(Plot plot, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, ScottPlot.Panels.ColorBar colorBar)
    {
        return HeatmapLayout.Compute(rowLabels, columnLabels, Measure(plot.Axes.Left.TickLabelStyle), Measure(plot.Axes.Bottom.TickLabelStyle),
            Measure(colorBar.LabelStyle)(colorBar.Label).Item1);

        static Func<string, (float, float)> Measure(LabelStyle style) => label =>
        {
            using var paint = Paint.NewDisposablePaint();
            var size = style.Measure(label, paint).Size;
            return (size.Width, size.Height);
        };
    }

    /// <summary>The layout <see cref="Render"/> uses for these labels.</summary>
    public static HeatmapLayout Layout(IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, string colorBarLabel = "changed parameters")
    {
        var plot = new Plot();
        var colorBar = plot.Add.ColorBar(plot.Add.Heatmap(new double[,] { { 0, 1 } }));
        colorBar.Label = colorBarLabel;
        return Layout(plot, rowLabels, columnLabels, colorBar);
    }

    private static double[,] WidenedToTwoColumns(double[,] values)
    {
        var wide = new double[values.GetLength(0), 2];
        for (int r = 0; r < values.GetLength(0); r++) wide[r, 0] = wide[r, 1] = values[r, 0];
        return wide;
    }
}
