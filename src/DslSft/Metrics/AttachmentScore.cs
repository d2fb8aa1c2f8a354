namespace DslSft.Metrics;

/// <summary>
/// Unlabelled and labelled attachment scores for dependency parsing. A word counts for UAS when its
/// predicted head is right and for LAS when head and relation are both right. By default every word is
/// scored, punctuation included (as composable-sft's ParsingMetric does); pass the id of the
/// <c>punct</c> relation to leave out words whose gold relation is punctuation (the CoNLL-2006 convention).
/// </summary>
/// <remarks>
/// composable-sft masks words with <c>labels_arcs.ne(pad_token_id)</c>, which with BERT (pad 0) also
/// drops every word whose gold head is the root. We score those words: they are part of the tree.
/// </remarks>
public sealed class AttachmentScore(int? excludeGoldRelation = null)
{
    public long Words { get; private set; }

    public long HeadsCorrect { get; private set; }

    public long LabelledCorrect { get; private set; }

    public double Uas => Words == 0 ? 0 : (double)HeadsCorrect / Words;

    public double Las => Words == 0 ? 0 : (double)LabelledCorrect / Words;

    /// <summary>Whether words whose gold relation is <c>excludeGoldRelation</c> are left out.</summary>
    public bool ExcludesPunctuation => excludeGoldRelation is not null;

    public void Add(ReadOnlySpan<int> goldHeads, ReadOnlySpan<int> goldRelations, ReadOnlySpan<int> predictedHeads, ReadOnlySpan<int> predictedRelations)
    {
        int n = goldHeads.Length;
        if (goldRelations.Length != n || predictedHeads.Length != n || predictedRelations.Length != n)
            throw new ArgumentException($"length mismatch: {n} gold heads, {goldRelations.Length} gold relations, {predictedHeads.Length} predicted heads, {predictedRelations.Length} predicted relations");
        for (int i = 0; i < n; i++)
        {
            if (goldRelations[i] == excludeGoldRelation) continue;
            Words++;
            if (goldHeads[i] != predictedHeads[i]) continue;
            HeadsCorrect++;
            if (goldRelations[i] == predictedRelations[i]) LabelledCorrect++;
        }
    }
}
