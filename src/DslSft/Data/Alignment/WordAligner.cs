namespace DslSft.Data.Alignment;

/// <summary>
/// Encodes pre-split words for token tasks (POS, NER, parsing). The first subword of each word carries
/// its label; the rest are ignored by the loss. Examples longer than <see cref="MaxLength"/> tokens
/// (special tokens included) are dropped, as composable-sft filters them, and counted in
/// <see cref="Dropped"/>, so a caller can report how much data was lost.
/// </summary>
public sealed class WordAligner(ISubwordEncoder encoder, int maxLength)
{
    public int MaxLength { get; } = maxLength > 0 ? maxLength : throw new ArgumentOutOfRangeException(nameof(maxLength), "must be positive");

    /// <summary>Examples encoded so far.</summary>
    public int Kept { get; private set; }

    /// <summary>Examples dropped so far for exceeding <see cref="MaxLength"/>.</summary>
    public int Dropped { get; private set; }

    /// <summary>
    /// Encodes <paramref name="words"/> with one label id per word (pass null for unlabelled input).
    /// Returns null, and counts the example as dropped, when it does not fit.
    /// </summary>
    public AlignedWords? Align(IReadOnlyList<string> words, IReadOnlyList<int>? labelIds = null)
    {
        if (labelIds is not null && labelIds.Count != words.Count)
            throw new ArgumentException($"{labelIds.Count} labels for {words.Count} words", nameof(labelIds));
        var framing = encoder.Framing;
        var ids = new List<int>(words.Count * 2);
        var starts = new int[words.Count + 1];
        for (int w = 0; w < words.Count; w++)
        {
            starts[w] = framing.Prefix.Length + ids.Count;
            var pieces = encoder.EncodeWord(words[w]);
            // A word the tokenizer erases (e.g. a lone control character) would lose its label and shift
            // every later word's span; give it the unknown token so each word keeps one position.
            if (pieces.Length == 0) ids.Add(framing.UnknownId);
            else ids.AddRange(pieces);
        }
        starts[words.Count] = framing.Prefix.Length + ids.Count;
        if (ids.Count + framing.SingleOverhead > MaxLength)
        {
            Dropped++;
            return null;
        }
        var input = ModelInput.Single(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), framing);
        var labels = new int[input.Length];
        Array.Fill(labels, ModelInput.IgnoreIndex);
        if (labelIds is not null)
            for (int w = 0; w < words.Count; w++) labels[starts[w]] = labelIds[w];
        Kept++;
        return new AlignedWords(input, labels, starts);
    }
}
