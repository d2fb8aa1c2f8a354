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

    /// <summary>The PNG bytes (sized from the number of cells unless <paramref name="width"/>/<paramref name="height"/> are given).</summary>
    public static byte[] Render(double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string colorBarLabel = "changed parameters", int width = 0, int height = 0)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rows == 0 || columns == 0) throw new ArgumentException("the heatmap has no cells", nameof(values));
        if (rowLabels.Count != rows) throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows", nameof(rowLabels));
        if (columnLabels.Count != columns) throw new ArgumentException($"{columnLabels.Count} column labels for {columns} columns", nameof(columnLabels));

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.Transparent;
        // Cell (r, c) covers x in [c, c+1] and y in [rows-1-r, rows-r]: row 0 on top.
        heatmap.Extent = new CoordinateRect(0, columns, 0, rows);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = colorBarLabel;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), rowLabels.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = columns > 6 ? 45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = columns > 6 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Title(title);
        int w = width > 0 ? width : Math.Clamp(260 + 60 * columns, 480, 2400);
        int h = height > 0 ? height : Math.Clamp(160 + 28 * rows, 360, 2400);
        return plot.GetImageBytes(w, h, ImageFormat.Png);
    }
}
