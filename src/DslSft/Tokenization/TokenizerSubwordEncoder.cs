using DslSft.Data.Alignment;
using DslSft.Tokenization;

namespace DslSft.Tokenization;

/// <summary>
/// Adapts a tokenizer (<see cref="ITextTokenizer"/>) to what the data layer's builders need (<see cref="ISubwordEncoder"/>).
/// Running text is tokenized one whitespace-separated chunk at a time: both tokenizer families split on whitespace
/// before anything else (BERT's basic tokenizer; SentencePiece's whitespace pre-split with a leading ▁ per chunk),
/// so the ids equal those of the whole text. Character spans are found by matching each piece's text (without its
/// <c>##</c> or <c>▁</c> marker) against the chunk, ignoring case and accents as uncased BERT does; where a piece does not
/// match (a normalised character) it and the rest of its chunk's pieces span the rest of the chunk; an unknown token spans
/// up to where the next piece matches.
/// QA uses the spans to map answers to tokens and predicted tokens back to text, as HF's offset mappings do.
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
            var pieces = EncodeWord(text[start..i]);
            var spans = PieceSpans(text, start, i, pieces);
            for (int p = 0; p < pieces.Length; p++)
            {
                ids.Add(pieces[p]);
                starts.Add(spans[p].Start);
                ends.Add(spans[p].End);
            }
        }
        return new EncodedText([.. ids], [.. starts], [.. ends]);
    }

    /// <summary>The [start, end) character span of each piece of the chunk text[chunkStart..chunkEnd].</summary>
    private (int Start, int End)[] PieceSpans(string text, int chunkStart, int chunkEnd, int[] pieces)
    {
        var spans = new (int Start, int End)[pieces.Length];
        int cursor = chunkStart, pendingFrom = 0;
        void Cover(int through, int end)
        {
            for (int q = pendingFrom; q <= through; q++) spans[q] = (cursor, end);
            cursor = end;
            pendingFrom = through + 1;
        }
        for (int p = 0; p < pieces.Length; p++)
        {
            var piece = PieceText(pieces[p]);
            if (piece is null)
            {
                // An unknown word: it runs up to where the next known piece matches again (BERT's [UNK] stands for a whole
                // word, and punctuation after it is a piece of its own), or to the end of the chunk.
                var next = pieces.Skip(p + 1).Select(PieceText).FirstOrDefault(t => !string.IsNullOrEmpty(t));
                int resume = next is null ? chunkEnd : IndexOf(text, next, cursor + 1, chunkEnd);
                if (resume < 0) break;
                Cover(p, resume);
                continue;
            }
            if (cursor + piece.Length > chunkEnd || !Matches(text, cursor, piece)) break;
            if (piece.Length == 0) continue; // a bare ▁ marker: it takes the span of the piece after it
            Cover(p, cursor + piece.Length);
        }
        // Whatever could not be placed (a piece whose text the tokenizer normalised) shares the rest of the chunk.
        for (int q = pendingFrom; q < pieces.Length; q++) spans[q] = (cursor, chunkEnd);
        return spans;
    }

    private static int IndexOf(string text, string piece, int from, int end)
    {
        for (int at = from; at + piece.Length <= end; at++)
            if (Matches(text, at, piece)) return at;
        return -1;
    }

    /// <summary>The surface text of a piece without its continuation or word-start marker; null for special and unknown tokens.</summary>
    private string? PieceText(int id)
    {
        if (_tokenizer.SpecialTokenIds.Contains(id) || id == Framing.UnknownId) return null;
        var token = _tokenizer.IdToToken(id);
        return token.StartsWith("##", StringComparison.Ordinal) ? token[2..] : token.TrimStart('▁');
    }

    private static bool Matches(string text, int at, string piece)
    {
        for (int k = 0; k < piece.Length; k++)
            if (Fold(text[at + k]) != Fold(piece[k])) return false;
        return true;
    }

    /// <summary>Lower case without accents (é → e), as uncased BERT normalises before WordPiece.</summary>
    private static char Fold(char c) => char.ToLowerInvariant(c < 128 ? c : c.ToString().Normalize(System.Text.NormalizationForm.FormD)[0]);

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
