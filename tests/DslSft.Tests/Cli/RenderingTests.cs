using DslSft.Cli.Rendering;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tests.Data;
using SkiaSharp;
using Spectre.Console;

namespace DslSft.Tests.Cli;

public class RenderingTests
{
    private static ResultsTable Sample() => ResultsTable.FromEvaluations("POS zero-shot", "language",
    [
        ("mt", new EvaluationResult(TaskKind.Pos, 433, [new MetricValue("accuracy", 0.81234)])),
        ("de", new EvaluationResult(TaskKind.Pos, 799, [new MetricValue("accuracy", 0.9)])),
    ]);

    [Fact]
    public void Results_table_renders_markdown_with_percentages()
    {
        Assert.Equal(
            "**POS zero-shot**\n\n| language | examples | accuracy |\n| --- | ---: | ---: |\n| mt | 433 | 81.23 |\n| de | 799 | 90.00 |\n",
            Sample().ToMarkdown());
    }

    [Fact]
    public void Results_table_json_keeps_fractions_and_numbers()
    {
        var json = Sample().ToJson();
        Assert.Equal("POS zero-shot", (string?)json["title"]);
        var first = json["rows"]![0]!;
        Assert.Equal("mt", (string?)first["language"]);
        Assert.Equal(433, (long)first["examples"]!);
        Assert.Equal(0.81234, (double)first["accuracy"]!);
    }

    [Fact]
    public void Results_table_renders_to_a_spectre_console()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 100;
        console.Write(Sample().ToSpectre());
        var text = writer.ToString();
        Assert.Contains("POS zero-shot", text);
        Assert.Contains("81.23", text);
        Assert.Contains("│ de       │      799 │    90.00 │", text);
    }

    [Fact]
    public void Rows_must_match_the_columns()
    {
        Assert.Throws<ArgumentException>(() => new ResultsTable("t", "a", "b").AddRow("only one"));
    }

    [Fact]
    public async Task Training_progress_accepts_callbacks_and_returns_the_work_result()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        int result = await TrainingProgressRenderer.RunAsync(console, async progress =>
        {
            for (int step = 1; step <= 5; step++) progress.Report(step, 5, 1.0 / step, 5e-5, "full fine-tuning");
            for (int step = 1; step <= 3; step++) progress.Report(step, 3, 0.5, double.NaN, "sparse fine-tuning");
            await Task.Yield();
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Equal("full fine-tuning loss 0.2000 lr 5e-5", TrainingProgressRenderer.Describe("full fine-tuning", 0.2, 5e-5));
        Assert.Equal("eval", TrainingProgressRenderer.Describe("eval", double.NaN, double.NaN));
    }

    [Fact]
    public void Heatmap_png_puts_row_zero_on_top_and_is_written_atomically()
    {
        using var files = new TempFiles();
        var path = files.PathOf("heat.png");
        // Row 0 = [0, 0], row 1 = [100, 100]: the top of the plot must be dark (viridis low), the bottom bright.
        HeatmapPng.Save(path, new double[,] { { 0, 0 }, { 100, 100 } }, ["layer 0", "layer 1"], ["query", "key"], "changed parameters per tensor", width: 600, height: 400);
        Assert.Equal(["heat.png"], Directory.GetFileSystemEntries(files.Root).Select(Path.GetFileName));
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((600, 400), (bitmap.Width, bitmap.Height));
        // Find the plotted area by scanning the middle column for the viridis extremes.
        int x = bitmap.Width / 2 - 60;
        var column = Enumerable.Range(0, bitmap.Height).Select(y => bitmap.GetPixel(x, y)).ToList();
        int dark = column.FindIndex(c => c.Red < 90 && c.Green < 40 && c.Blue > 60);      // viridis 0: #440154
        int bright = column.FindIndex(c => c.Red > 200 && c.Green > 200 && c.Blue < 80);  // viridis 1: #FDE725
        Assert.True(dark >= 0 && bright >= 0, "both colour extremes should appear");
        Assert.True(dark < bright, $"row 0 (dark, first seen at y={dark}) should be above row 1 (bright, y={bright})");
    }

    [Fact]
    public void Heatmap_rows_are_equally_high_and_labels_fit_their_margins()
    {
        string[] rows = ["embeddings", "layer 0", "layer 1", "a much longer row label than any layer name", "heads"];
        var columns = LayerTensorGrid.Kinds;
        var layout = HeatmapPng.Layout(rows, columns);
        Assert.True(layout.RotateColumnLabels);
        // Every row the same whole number of pixels, one under the other.
        Assert.All(Enumerable.Range(0, rows.Length), r => Assert.Equal(layout.RowHeight, layout.RowSpan(r).Bottom - layout.RowSpan(r).Top));
        Assert.All(Enumerable.Range(1, rows.Length - 1), r => Assert.Equal(layout.RowSpan(r - 1).Bottom, layout.RowSpan(r).Top));
        // The widest row label (the long one, measured) fits left of the tick marks; turned column labels fit below.
        Assert.True(layout.WidestRowLabel > HeatmapPng.Layout(["layer 0"], columns).WidestRowLabel);
        Assert.True(layout.Left >= layout.WidestRowLabel + HeatmapLayout.TickRoom, $"{layout.Left} px for a {layout.WidestRowLabel} px label");
        Assert.True(layout.Bottom >= layout.ColumnLabelExtent + HeatmapLayout.TickRoom);
        Assert.Equal(layout.Width, layout.Left + columns.Count * layout.ColumnWidth + layout.Right);
        Assert.Equal(layout.Height, layout.Top + rows.Length * layout.RowHeight + layout.Bottom);
    }

    [Fact]
    public void Heatmap_png_draws_each_row_exactly_as_high_as_the_layout_says()
    {
        // One column, four rows of distinct values: scanning down the column gives four bands of one colour each.
        string[] rows = ["embeddings", "layer 0", "layer 1", "heads"];
        var values = new double[,] { { 0 }, { 1 }, { 2 }, { 3 } };
        var layout = HeatmapPng.Layout(rows, ["other"]);
        using var bitmap = SKBitmap.Decode(HeatmapPng.Render(values, rows, ["other"], "bands"));
        Assert.Equal((layout.Width, layout.Height), (bitmap.Width, bitmap.Height));
        int x = layout.Left + layout.ColumnWidth / 2;
        var bands = new List<(SKColor Colour, int Height)>();
        // Two pixels in from the top and bottom edges, where the axis frame is drawn.
        for (int y = layout.Top + 2; y < layout.Top + rows.Length * layout.RowHeight - 2; y++)
        {
            var colour = bitmap.GetPixel(x, y);
            if (bands.Count > 0 && bands[^1].Colour == colour) bands[^1] = (colour, bands[^1].Height + 1);
            else bands.Add((colour, 1));
        }
        Assert.Equal(rows.Length, bands.Count);
        var expected = Enumerable.Range(0, rows.Length).Select(r => layout.RowHeight - (r == 0 || r == rows.Length - 1 ? 2 : 0)).ToList();
        for (int r = 0; r < rows.Length; r++) Assert.InRange(bands[r].Height, expected[r] - 1, expected[r] + 1);
    }

    [Theory]
    [InlineData(3, new long[] { 0, 1, 2, 3 })]
    [InlineData(9, new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(12, new long[] { 0, 2, 4, 6, 8, 10, 12 })]
    [InlineData(25, new long[] { 0, 5, 10, 15, 20, 25 })]
    [InlineData(1000, new long[] { 0, 200, 400, 600, 800, 1000 })]
    [InlineData(1001, new long[] { 0, 200, 400, 600, 800, 1000, 1200 })]
    public void Loss_plot_ticks_are_whole_updates(long lastStep, long[] expected)
    {
        Assert.Equal(expected, DslSft.Training.LossPlot.StepTicks(lastStep));
    }

    [Fact]
    public void Heatmap_rejects_mismatched_labels()
    {
        Assert.Throws<ArgumentException>(() => HeatmapPng.Render(new double[2, 2], ["a"], ["x", "y"], "t"));
    }
}

public class LayerTensorGridTests
{
    [Fact]
    public void Arranges_hf_parameter_names_by_layer_and_kind()
    {
        var grid = LayerTensorGrid.FromCounts(
        [
            ("bert.embeddings.word_embeddings.weight", 10),
            ("bert.embeddings.LayerNorm.weight", 1),
            ("bert.encoder.layer.0.attention.self.query.weight", 5),
            ("bert.encoder.layer.0.attention.self.query.bias", 2),
            ("bert.encoder.layer.0.output.dense.weight", 7),
            ("bert.encoder.layer.1.attention.output.LayerNorm.bias", 3),
            ("bert.encoder.layer.1.output.LayerNorm.weight", 4),
            ("bert.encoder.layer.1.intermediate.dense.weight", 6),
            ("classifier.weight", 8),
            ("cls.predictions.transform.dense.weight", 9),
        ]);
        Assert.Equal(["embeddings", "layer 0", "layer 1", "heads"], grid.RowLabels);
        Assert.Equal(11, grid.Values[0, 8]);
        Assert.True(double.IsNaN(grid.Values[0, 0]));
        Assert.Equal(7, grid.Values[1, 0]);     // query weight + bias
        Assert.Equal(7, grid.Values[1, 6]);     // ffn out
        Assert.True(double.IsNaN(grid.Values[1, 1]));
        Assert.Equal((3, 6, 4), (grid.Values[2, 4], grid.Values[2, 5], grid.Values[2, 7]));
        Assert.Equal(17, grid.Values[3, 8]);
        Assert.Equal(55, grid.Total());
    }

    [Fact]
    public void Layers_sort_numerically_and_xlmr_names_work()
    {
        var grid = LayerTensorGrid.FromCounts([("roberta.encoder.layer.10.attention.self.key.weight", 1), ("roberta.encoder.layer.2.attention.self.value.weight", 2)]);
        Assert.Equal(["layer 2", "layer 10"], grid.RowLabels);
        Assert.Equal((2, 1), (grid.Values[0, 2], grid.Values[1, 1]));
    }
}
