using System.Text.RegularExpressions;

namespace DslSft.Sft;

/// <summary>
/// Where an SFT's K entries lie: per group (the embeddings, each encoder layer, everything after the encoder) and in
/// its largest tensor. A language SFT whose K sits almost entirely in the word embeddings is degenerate: that is what
/// training with the MLM decoder tied to them produces.
/// </summary>
/// <param name="Groups">Group name ("embeddings", "layer 0", …, "heads") → stored diff entries, in model order.</param>
public sealed record SftFootprint(IReadOnlyList<(string Group, long Count)> Groups, long Total, string LargestTensor, long LargestTensorCount)
{
    private static readonly Regex LayerPattern = new(@"(?:^|\.)layer\.(\d+)\.", RegexOptions.CultureInvariant);

    public double EmbeddingShare => Share(Groups.Where(g => g.Group == "embeddings").Sum(g => g.Count));
    public double LargestTensorShare => Share(LargestTensorCount);
    public double Share(long count) => Total == 0 ? 0 : (double)count / Total;

    /// <summary>Share of K above which one tensor holding it makes an SFT lopsided (<see cref="IsConcentrated"/>).</summary>
    public const double ConcentrationThreshold = 0.5;

    /// <summary>
    /// More than half of K in a single tensor (<see cref="LargestTensor"/>): the selection spent the budget on one matrix,
    /// typically the word embeddings, which is worth a warning after training.
    /// </summary>
    public bool IsConcentrated => LargestTensorShare > ConcentrationThreshold;

    /// <summary>The group a parameter belongs to: "embeddings", "layer N" or "heads".</summary>
    public static string GroupOf(string name)
    {
        var layer = LayerPattern.Match(name);
        if (layer.Success) return $"layer {layer.Groups[1].Value}";
        return name.Contains("embeddings.", StringComparison.Ordinal) && !name.Contains("predictions", StringComparison.Ordinal) ? "embeddings" : "heads";
    }

    /// <summary>The footprint of the diff entries of <paramref name="sft"/> (abs tensors are not part of K).</summary>
    public static SftFootprint Of(SparseFineTuning sft) => Of(sft.Diffs.Select(d => (d.Key, d.Value.Count)));

    public static SftFootprint Of(IEnumerable<(string Name, long Count)> tensors)
    {
        var groups = new Dictionary<string, long>();
        long total = 0;
        (string Name, long Count) largest = ("", 0);
        foreach (var (name, count) in tensors)
        {
            var group = GroupOf(name);
            groups[group] = groups.GetValueOrDefault(group) + count;
            total += count;
            if (count > largest.Count) largest = (name, count);
        }
        int Order(string g) => g == "embeddings" ? -1 : g == "heads" ? int.MaxValue : int.Parse(g[6..], System.Globalization.CultureInfo.InvariantCulture);
        return new SftFootprint(groups.OrderBy(g => Order(g.Key)).Select(g => (g.Key, g.Value)).ToList(), total, largest.Name, largest.Count);
    }
}
