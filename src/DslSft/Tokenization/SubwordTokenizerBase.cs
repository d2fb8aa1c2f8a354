namespace DslSft.Tokenization;

/// <summary>
/// What every <see cref="ITextTokenizer"/> shares: splitting the text around literal special tokens, adding the
/// template's special tokens, truncation and word alignment. Subclasses only tokenize a special-free chunk.
/// </summary>
public abstract class SubwordTokenizerBase : ITextTokenizer
{
    private readonly SpecialTokenSplitter _splitter;

    protected SubwordTokenizerBase(IReadOnlyList<SpecialToken> specialTokens, SequenceTemplate template, int padTokenId, int maskTokenId, int modelMaxLength)
    {
        _splitter = new SpecialTokenSplitter(specialTokens);
        Template = template;
        PadTokenId = padTokenId;
        MaskTokenId = maskTokenId;
        ModelMaxLength = modelMaxLength;
        SpecialTokenIds = specialTokens.Select(t => t.Id).ToHashSet();
    }

    public SequenceTemplate Template { get; }
    public abstract int VocabularySize { get; }
    public int PadTokenId { get; }
    public int MaskTokenId { get; }
    public IReadOnlySet<int> SpecialTokenIds { get; }
    public int ModelMaxLength { get; }

    public abstract string IdToToken(int id);

    /// <summary>Tokenizes text that contains no special tokens (and may be empty or all whitespace).</summary>
    protected abstract IEnumerable<SubwordToken> TokenizeChunk(string chunk);

    public IReadOnlyList<SubwordToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<SubwordToken>();
        foreach (var piece in _splitter.Split(text))
        {
            if (piece.Special is { } special) tokens.Add(new SubwordToken(special.Id, special.Content));
            else tokens.AddRange(TokenizeChunk(piece.Text));
        }
        return tokens;
    }

    public TokenizedSequence Encode(string text, string? pair = null, int? maxLength = null)
    {
        var first = Tokenize(text);
        var second = pair is null ? null : Tokenize(pair);
        if (maxLength is { } max)
        {
            var (keepFirst, keepSecond) = Truncation.LongestFirst(first.Count, second?.Count ?? 0, Template.SpecialCount(pair is not null), max);
            first = first.Take(keepFirst).ToList();
            second = second?.Take(keepSecond).ToList();
        }
        return Template.Build(first, second);
    }

    public TokenizedSequence EncodeWords(IReadOnlyList<string> words, int? maxLength = null)
    {
        var tokens = new List<SubwordToken>();
        var wordIds = new List<int>();
        for (var w = 0; w < words.Count; w++)
        {
            foreach (var token in Tokenize(words[w]))
            {
                tokens.Add(token);
                wordIds.Add(w);
            }
        }
        if (maxLength is { } max)
        {
            var keep = Truncation.LongestFirst(tokens.Count, 0, Template.SpecialCount(pair: false), max).First;
            tokens.RemoveRange(keep, tokens.Count - keep);
            wordIds.RemoveRange(keep, wordIds.Count - keep);
        }
        return Template.Build(tokens, null, wordIds);
    }
}
