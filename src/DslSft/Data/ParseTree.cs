namespace DslSft.Data;

/// <summary>
/// A dependency tree over words: <see cref="Heads"/>[i] is the 1-based index of word i's head, 0 for the
/// root; <see cref="Relations"/>[i] is the relation to it. <see cref="Lines"/> locates each word in <see cref="Path"/>.
/// </summary>
public sealed record ParseTree(IReadOnlyList<string> Words, IReadOnlyList<int> Heads, IReadOnlyList<string> Relations, string Path, IReadOnlyList<long> Lines)
{
    /// <summary>Relation ids through <paramref name="vocabulary"/>; an unknown relation is an error naming its file and line.</summary>
    public int[] RelationIds(Tasks.LabelVocabulary vocabulary)
    {
        var ids = new int[Relations.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = vocabulary.IdOf(Relations[i], Path, Lines[i]);
        return ids;
    }
}
