namespace DslSft.Data;

/// <summary>
/// Words with one label each (POS tags, NER tags). <see cref="Lines"/> gives each word's line in
/// <see cref="Path"/>, so that a label the model does not know can be reported where it occurs.
/// </summary>
public sealed record TaggedSentence(IReadOnlyList<string> Words, IReadOnlyList<string> Labels, string Path, IReadOnlyList<long> Lines)
{
    /// <summary>Label ids through <paramref name="vocabulary"/>; an unknown label is an error naming its file and line.</summary>
    public int[] LabelIds(Tasks.LabelVocabulary vocabulary)
    {
        var ids = new int[Labels.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = vocabulary.IdOf(Labels[i], Path, Lines[i]);
        return ids;
    }
}
