namespace DslSft.Cli.Rendering;

/// <summary>
/// Where <see cref="HeatmapPng"/> puts things, in pixels, worked out before anything is drawn: every row and every column
/// gets the same whole number of pixels, and the margins are sized from the measured labels, so that no row or column
/// label is clipped however long it is (a 24-layer model's "layer 23", an XLM-R tensor name). Row 0 is at the top.
/// </summary>
/// <param name="Left">Margin left of the cells: the widest row label plus room for the tick marks.</param>
/// <param name="Right">Margin right of the cells: the colour bar and its label.</param>
/// <param name="Top">Margin above the cells: the title.</param>
/// <param name="Bottom">Margin below the cells: the column labels (turned 45° when there are many).</param>
public sealed record HeatmapLayout(int Width, int Height, int Left, int Right, int Top, int Bottom, int RowHeight, int ColumnWidth,
    int Rows, int Columns, bool RotateColumnLabels, float WidestRowLabel, float ColumnLabelExtent)
{
    public const int MinRowHeight = 24;
    public const int MinColumnWidth = 56;
    public const int TickRoom = 12;
    public const int ColorBarRoom = 160;
    public const int TitleRoom = 44;

    /// <summary>Top and bottom pixel of row <paramref name="row"/> (0 at the top), cells area included in the image.</summary>
    public (int Top, int Bottom) RowSpan(int row) => (Top + row * RowHeight, Top + (row + 1) * RowHeight);

    /// <param name="measureRow">Width and height in pixels of a row label as drawn (unturned); <paramref name="measureColumn"/> the same for a column label.</param>
    /// <param name="colorBarLabelLength">Length in pixels of the colour bar's label, drawn upright beside the cells, which
    /// must therefore be at least that high.</param>
    public static HeatmapLayout Compute(IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        Func<string, (float Width, float Height)> measureRow, Func<string, (float Width, float Height)> measureColumn, float colorBarLabelLength = 0)
    {
        if (rowLabels.Count == 0 || columnLabels.Count == 0) throw new ArgumentException("the heatmap has no cells");
        bool rotate = columnLabels.Count > 6;
        float widestRow = rowLabels.Max(l => measureRow(l).Width);
        var columnSizes = columnLabels.Select(measureColumn).ToList();
        float widestColumn = columnSizes.Max(s => s.Width), tallest = columnSizes.Max(s => s.Height);
        // Turned 45°, a label of width w and height h reaches (w + h)·sin 45° below its tick.
        float columnExtent = rotate ? (widestColumn + tallest) * MathF.Sqrt(0.5f) : tallest;
        int columnWidth = Math.Max(MinColumnWidth, rotate ? (int)MathF.Ceiling(tallest * 2) : (int)MathF.Ceiling(widestColumn) + 8);
        int rowHeight = Math.Max(Math.Max(MinRowHeight, (int)MathF.Ceiling(rowLabels.Max(l => measureRow(l).Height)) + 6),
            (int)MathF.Ceiling((colorBarLabelLength + 16) / rowLabels.Count));
        int left = (int)MathF.Ceiling(widestRow) + TickRoom + 8;
        // A turned label hangs to the right of its tick by up to its extent; the last column's must not run off the image.
        int right = Math.Max(ColorBarRoom, rotate ? (int)MathF.Ceiling(columnExtent) - columnWidth / 2 + 8 : 0);
        int bottom = (int)MathF.Ceiling(columnExtent) + TickRoom + 8;
        int width = left + columnLabels.Count * columnWidth + right;
        int height = TitleRoom + rowLabels.Count * rowHeight + bottom;
        return new HeatmapLayout(width, height, left, right, TitleRoom, bottom, rowHeight, columnWidth,
            rowLabels.Count, columnLabels.Count, rotate, widestRow, columnExtent);
    }
}
