namespace DslSft.Tokenization;

/// <summary>
/// One encoded sequence, special tokens included. <see cref="WordIds"/> is set by
/// <see cref="ITextTokenizer.EncodeWords"/>: the index of the input word each token came from, or -1 for
/// special tokens.
/// </summary>
public sealed record TokenizedSequence(int[] InputIds, string[] Tokens, int[] TokenTypeIds, int[]? WordIds = null)
{
    /// <summary>The label HF's loss functions ignore.</summary>
    public const int IgnoreLabel = -100;

    public int Length => InputIds.Length;

    /// <summary>
    /// Spreads per-word labels onto tokens the usual way for token classification: the FIRST subword of each
    /// word carries the word's label, every other subword and every special token gets -100. Words cut off by
    /// truncation (or that produced no subwords at all) simply have no labelled token.
    /// </summary>
    public long[] AlignWordLabels(IReadOnlyList<int> wordLabels)
    {
        if (WordIds is null)
            throw new InvalidOperationException("word labels need a sequence from EncodeWords (it records which word each token came from)");
        var labels = new long[Length];
        var previousWord = -1;
        for (var i = 0; i < Length; i++)
        {
            var word = WordIds[i];
            if (word >= wordLabels.Count)
                throw new ArgumentException($"token {i} belongs to word {word}, but only {wordLabels.Count} word labels were given", nameof(wordLabels));
            labels[i] = word >= 0 && word != previousWord ? wordLabels[word] : IgnoreLabel;
            if (word >= 0) previousWord = word;
        }
        return labels;
    }
}
