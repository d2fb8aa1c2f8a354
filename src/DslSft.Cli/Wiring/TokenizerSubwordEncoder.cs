using DslSft.Data.Alignment;
using DslSft.Tokenization;

namespace DslSft.Cli.Wiring;

/// <summary>
/// Adapts a tokenizer (<see cref="ITextTokenizer"/>) to what the data layer's builders need (<see cref="ISubwordEncoder"/>).
/// Running text is tokenized one whitespace-separated chunk at a time: both tokenizer families split on whitespace
/// before anything else (BERT's basic tokenizer; SentencePiece's whitespace pre-split with a leading ▁ per chunk),
/// so the ids equal those of the whole text, and every token's span is the chunk it came from. That granularity
/// is all masked-LM packing needs (it reads ids only); QA answer mapping would need finer offsets.
/// </summary>
public sealed class TokenizerSubwordEncoder : ISubwordEncoder
{
    private readonly ITextTokenizer _tokenizer;

    public TokenizerSubwordEncoder(ITextTokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        Framing = FramingOf(tokenizer);
    }

    public SequenceFraming Framing { get; }

    public EncodedText Encode(string text)
    {
        var ids = new List<int>();
        var starts = new List<int>();
        var ends = new List<int>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            if (i == start) break;
            foreach (var id in EncodeWord(text[start..i]))
            {
                ids.Add(id);
                starts.Add(start);
                ends.Add(i);
            }
        }
        return new EncodedText([.. ids], [.. starts], [.. ends]);
    }

    public int[] EncodeWord(string word)
    {
        // EncodeWords tokenizes the word as HF's is_split_into_words does; WordIds marks the special tokens (-1) to drop.
        var encoded = _tokenizer.EncodeWords([word]);
        return encoded.InputIds.Where((_, k) => encoded.WordIds![k] >= 0).ToArray();
    }

    /// <summary>The special tokens around a sequence, read off an encoding of an empty pair: [start] [sep] ([sep]) [sep].</summary>
    private static SequenceFraming FramingOf(ITextTokenizer tokenizer)
    {
        var pair = tokenizer.Encode("", "");
        int start = pair.InputIds[0], separator = pair.InputIds[1];
        int unknown = tokenizer.Tokenize(tokenizer is XlmRobertaTokenizer ? "<unk>" : "[UNK]") is [var unk] ? unk.Id : tokenizer.PadTokenId;
        return pair.Length == 4
            ? SequenceFraming.Roberta(start, separator, tokenizer.PadTokenId, unknown)
            : SequenceFraming.Bert(start, separator, tokenizer.PadTokenId, unknown);
    }
}
