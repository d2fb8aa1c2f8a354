using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Sft;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft inspect SFT`: size on disk, K in total, per tensor (with density) and per group (embeddings, each layer,
/// heads; with its share of K), the dense (abs) tensors, and optionally a PNG heatmap of K per layer × tensor kind.
/// </summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("sft") { Description = "SFT file or directory (DslSft's format or composable-sft's pytorch_diff.bin)." };
        var heatmap = new Option<string>("--heatmap") { Description = "Write a PNG heatmap of K per layer and tensor kind.", HelpName = "png" };
        var command = CliCommand.Create("inspect", "Describe an SFT: size, K per tensor and per layer, dense head tensors; optional PNG heatmap.",
            "dslsft inspect sft/lang-mt",
            "dslsft inspect sft/lang-mt --heatmap lang-mt.png --json lang-mt.json");
        command.Arguments.Add(path);
        command.Options.Add(heatmap);
        command.SetHandler((parse, context) =>
        {
            var file = SftPaths.Resolve(parse.GetValue(path)!);
            var sft = SftPaths.Load(file);
            long bytes = new FileInfo(file).Length;
            var meta = sft.Metadata;

            var summary = new ResultsTable("sft", "what", "value");
            summary.AddRow("file", file);
            summary.AddRow("size (bytes)", bytes);
            summary.AddRow("K (changed parameters)", sft.NonZeroCount);
            summary.AddRow("diff tensors", (long)sft.Diffs.Count);
            summary.AddRow("abs tensors", (long)sft.Abs.Count);
            summary.AddRow("base model", meta.BaseModel ?? "");
            summary.AddRow("method", meta.Method ?? "");
            context.Show(summary.ToSpectre());

            var tensors = new ResultsTable("K per tensor", "tensor", "shape", "K", "density");
            foreach (var (name, diff) in sft.Diffs.OrderBy(d => d.Key, StringComparer.Ordinal))
                tensors.AddRow(name, Shape(diff.Shape), diff.Count, new Fraction(diff.DenseSize == 0 ? 0 : (double)diff.Count / diff.DenseSize));
            context.Show(tensors.ToSpectre());

            var counts = sft.Diffs.Select(d => (d.Key, d.Value.Count)).ToList();
            var grid = LayerTensorGrid.FromCounts(counts);
            var layers = LayerTable(grid, SftFootprint.Of(counts));
            context.Show(layers.ToSpectre());

            var abs = new ResultsTable("abs (dense) tensors", "tensor", "shape");
            foreach (var (name, value) in sft.Abs.OrderBy(a => a.Key, StringComparer.Ordinal)) abs.AddRow(name, Shape(value.shape));
            if (sft.Abs.Count > 0) context.Show(abs.ToSpectre());

            if (parse.GetValue(heatmap) is { } png)
            {
                HeatmapPng.Save(png, grid.Values, grid.RowLabels, grid.ColumnLabels, $"K per layer and tensor kind ({Path.GetFileName(file)})");
                context.ShowLine($"heatmap written to {png}");
            }
            context.WriteJson(new JsonObject
            {
                ["file"] = file,
                ["bytes"] = bytes,
                ["k"] = sft.NonZeroCount,
                ["baseModel"] = meta.BaseModel,
                ["method"] = meta.Method,
                ["tensors"] = tensors.ToJson(),
                ["layers"] = layers.ToJson(),
                ["abs"] = abs.ToJson(),
            });
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// K per group (embeddings, each encoder layer, heads: <see cref="SftFootprint"/>'s groups, which are the grid's rows)
    /// split by tensor kind, with the group's total and its share of K. A kind a group does not have is an empty cell.
    /// </summary>
    public static ResultsTable LayerTable(LayerTensorGrid grid, SftFootprint footprint)
    {
        var table = new ResultsTable("K per layer", ["layer", .. grid.ColumnLabels, "total", "share"]);
        for (int r = 0; r < grid.RowLabels.Count; r++)
        {
            var row = new List<object?> { grid.RowLabels[r] };
            for (int c = 0; c < grid.ColumnLabels.Count; c++) row.Add(double.IsNaN(grid.Values[r, c]) ? null : (long)grid.Values[r, c]);
            var (_, total) = footprint.Groups.Single(g => g.Group == grid.RowLabels[r]);
            row.Add(total);
            row.Add(new Fraction(footprint.Share(total)));
            table.AddRow([.. row]);
        }
        return table;
    }

    private static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
