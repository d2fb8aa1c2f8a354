using System.Text.RegularExpressions;

namespace DslSft.Cli.Rendering;

/// <summary>
/// Arranges per-tensor counts (e.g. changed parameters of an SFT) by Hugging Face parameter name into a
/// layer × tensor-kind grid for `dslsft inspect` tables and <see cref="HeatmapPng"/>. Rows: embeddings,
/// each encoder layer, then everything after the encoder (pooler, task and MLM heads). Columns: the
/// eight kinds of tensor in a BERT/XLM-R layer (weight and bias summed), plus "other" for tensors outside
/// the layers. Cells a row cannot have are NaN (drawn blank).
/// </summary>
public sealed record LayerTensorGrid(double[,] Values, IReadOnlyList<string> RowLabels, IReadOnlyList<string> ColumnLabels)
{
    public static IReadOnlyList<string> Kinds { get; } = ["query", "key", "value", "attn out", "attn LN", "ffn in", "ffn out", "ffn LN", "other"];

    private static readonly Regex LayerPattern = new(@"(?:^|\.)layer\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);

    public static LayerTensorGrid FromCounts(IEnumerable<(string Name, long Count)> tensors)
    {
        var byLayer = new SortedDictionary<int, double[]>();
        double embeddings = double.NaN, after = double.NaN;
        foreach (var (name, count) in tensors)
        {
            var match = LayerPattern.Match(name);
            if (match.Success)
            {
                int layer = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (!byLayer.TryGetValue(layer, out var row))
                {
                    row = new double[Kinds.Count];
                    Array.Fill(row, double.NaN);
                    byLayer[layer] = row;
                }
                int kind = KindOf(match.Groups[2].Value);
                row[kind] = (double.IsNaN(row[kind]) ? 0 : row[kind]) + count;
            }
            else if (DslSft.Sft.SftFootprint.GroupOf(name) == "embeddings")
                embeddings = (double.IsNaN(embeddings) ? 0 : embeddings) + count;
            else
                after = (double.IsNaN(after) ? 0 : after) + count;
        }
        var labels = new List<string>();
        var rows = new List<double[]>();
        int other = Kinds.Count - 1;
        if (!double.IsNaN(embeddings)) { labels.Add("embeddings"); rows.Add(OnlyOther(embeddings)); }
        foreach (var (layer, row) in byLayer) { labels.Add($"layer {layer}"); rows.Add(row); }
        if (!double.IsNaN(after)) { labels.Add("heads"); rows.Add(OnlyOther(after)); }
        if (rows.Count == 0) throw new InvalidInputException("no tensors to arrange");
        var values = new double[rows.Count, Kinds.Count];
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < Kinds.Count; c++) values[r, c] = rows[r][c];
        return new LayerTensorGrid(values, labels, Kinds);

        double[] OnlyOther(double value)
        {
            var row = new double[Kinds.Count];
            Array.Fill(row, double.NaN);
            row[other] = value;
            return row;
        }
    }

    /// <summary>The column of a tensor inside a layer, from the rest of its name (after "layer.N.").</summary>
    private static int KindOf(string rest) => rest switch
    {
        _ when rest.StartsWith("attention.self.query.", StringComparison.Ordinal) => 0,
        _ when rest.StartsWith("attention.self.key.", StringComparison.Ordinal) => 1,
        _ when rest.StartsWith("attention.self.value.", StringComparison.Ordinal) => 2,
        _ when rest.StartsWith("attention.output.dense.", StringComparison.Ordinal) => 3,
        _ when rest.StartsWith("attention.output.LayerNorm.", StringComparison.Ordinal) => 4,
        _ when rest.StartsWith("intermediate.dense.", StringComparison.Ordinal) => 5,
        _ when rest.StartsWith("output.dense.", StringComparison.Ordinal) => 6,
        _ when rest.StartsWith("output.LayerNorm.", StringComparison.Ordinal) => 7,
        _ => 8,
    };

    /// <summary>Sum of all cells (NaN cells count as nothing).</summary>
    public double Total()
    {
        double total = 0;
        foreach (var v in Values) if (!double.IsNaN(v)) total += v;
        return total;
    }
}
