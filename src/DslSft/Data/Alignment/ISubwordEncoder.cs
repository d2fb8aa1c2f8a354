namespace DslSft.Data.Alignment;

/// <summary>
/// What the data pipeline needs from a tokenizer, kept small so that any subword tokenizer (WordPiece,
/// SentencePiece) plugs in without the data code depending on one. Ids never include special tokens:
/// <see cref="Framing"/> says how to add them.
/// </summary>
public interface ISubwordEncoder
{
    /// <summary>Token ids of running text and, for each, the [start, end) character span it covers in <paramref name="text"/>.</summary>
    EncodedText Encode(string text);

    /// <summary>
    /// Token ids of one pre-split word, as HF's <c>is_split_into_words</c> tokenizes it (for SentencePiece
    /// models that means with a leading word boundary). May be empty for words the tokenizer drops entirely.
    /// </summary>
    int[] EncodeWord(string word);

    SequenceFraming Framing { get; }
}

/// <summary>Token ids of a text with the character span of each token (end exclusive).</summary>
public sealed record EncodedText(int[] Ids, int[] Starts, int[] Ends)
{
    public int Count => Ids.Length;

    public static EncodedText Empty { get; } = new([], [], []);
}
