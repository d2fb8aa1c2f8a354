namespace DslSft.Tasks.Parsing;

/// <summary>How heads are chosen from arc scores.</summary>
public enum HeadDecoding
{
    /// <summary>Each word takes its best-scoring head independently (composable-sft's default); may not form a tree.</summary>
    Greedy,
    /// <summary>Maximum spanning tree (Chu-Liu/Edmonds) with exactly one word attached to the root: always a tree.</summary>
    Mst,
}

/// <summary>
/// Turns parser scores into heads and relations. The relation of each word is the argmax of its relation
/// scores at the chosen head. (composable-sft's evaluation reads relations at the gold head; LAS is the
/// same either way, since it only credits a relation when the head is right.)
/// </summary>
public static class ParseDecoder
{
    public static DecodedParse Decode(ParseScores scores, HeadDecoding mode)
    {
        scores.Validate();
        var heads = mode == HeadDecoding.Greedy ? GreedyHeads(scores) : MstDecoder.Decode(scores);
        var relations = new int[scores.Words];
        for (int d = 1; d <= scores.Words; d++) relations[d - 1] = Argmax.Of(scores.RelationRow(d, heads[d - 1]));
        return new DecodedParse(heads, relations);
    }

    /// <summary>Each word's argmax head (a word may pick itself, as a plain argmax allows).</summary>
    public static int[] GreedyHeads(ParseScores scores)
    {
        var heads = new int[scores.Words];
        for (int d = 1; d <= scores.Words; d++) heads[d - 1] = Argmax.Of(scores.ArcRow(d));
        return heads;
    }

    /// <summary>Sum of the arc scores of <paramref name="heads"/> (the quantity MST maximises over trees).</summary>
    public static double TreeScore(ParseScores scores, IReadOnlyList<int> heads, bool logSoftmax = true)
    {
        double total = 0;
        for (int d = 1; d <= scores.Words; d++)
        {
            var row = scores.ArcRow(d);
            total += logSoftmax ? LogSoftmaxAt(row, heads[d - 1]) : row[heads[d - 1]];
        }
        return total;
    }

    internal static double LogSoftmaxAt(ReadOnlySpan<float> row, int index) => row[index] - LogSumExp(row);

    /// <summary>log Σ exp(row), shifted by the maximum for stability.</summary>
    internal static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in row) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
