namespace DslSft.Metrics;

/// <summary>
/// Unlabelled and labelled attachment scores for dependency parsing. A word counts for UAS when its
/// predicted head is right and for LAS when head and relation are both right. By default every word is
/// scored, punctuation and root attachments included; pass the id of the <c>punct</c> relation as
/// <paramref name="excludeGoldRelation"/> to leave out gold punctuation (the CoNLL-2006 convention).
/// </summary>
/// <param name="excludeGoldHead">
/// Leaves out words whose gold head is this value. Only for reproducing composable-sft's numbers: it masks
/// words with <c>labels_arcs != pad_token_id</c>, so pass the model's pad id (BERT 0: root attachments are
/// dropped; XLM-R 1).
/// </param>
public sealed class AttachmentScore(int? excludeGoldRelation = null, int? excludeGoldHead = null)
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
            if (goldRelations[i] == excludeGoldRelation || goldHeads[i] == excludeGoldHead) continue;
            Words++;
            if (goldHeads[i] != predictedHeads[i]) continue;
            HeadsCorrect++;
            if (goldRelations[i] == predictedRelations[i]) LabelledCorrect++;
        }
    }
}
