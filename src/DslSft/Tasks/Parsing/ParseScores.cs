namespace DslSft.Tasks.Parsing;

/// <summary>
/// A biaffine parser's scores for one sentence of n words. Arcs: [n, n+1] row-major, row i (word i+1 as
/// dependent) over heads 0..n, where head 0 is the root (composable-sft puts the CLS vector there).
/// Relations: [n, n+1, R], the relation scores for each (dependent, head) pair.
/// </summary>
public sealed record ParseScores(float[] Arcs, float[] Relations, int Words, int RelationCount)
{
    public float Arc(int dependent, int head) => Arcs[(dependent - 1) * (Words + 1) + head];

    public ReadOnlySpan<float> ArcRow(int dependent) => Arcs.AsSpan((dependent - 1) * (Words + 1), Words + 1);

    public ReadOnlySpan<float> RelationRow(int dependent, int head) =>
        Relations.AsSpan(((dependent - 1) * (Words + 1) + head) * RelationCount, RelationCount);

    public void Validate()
    {
        if (Arcs.Length != Words * (Words + 1)) throw new ArgumentException($"arc scores have {Arcs.Length} entries, expected {Words}x{Words + 1}");
        if (Relations.Length != Words * (Words + 1) * RelationCount) throw new ArgumentException($"relation scores have {Relations.Length} entries, expected {Words}x{Words + 1}x{RelationCount}");
    }
}

/// <summary>A decoded parse: 1-based heads (0 = root) and relation ids, one per word.</summary>
public sealed record DecodedParse(int[] Heads, int[] Relations);
