using Microsoft.ML.Tokenizers;

namespace DslSft.Tokenization;

/// <summary>
/// HF's slow <c>BertTokenizer</c>: literal special tokens, then <see cref="BertBasicTokenizer"/> (our port of the
/// Python basic tokenizer), then greedy longest-match-first WordPiece from Microsoft.ML.Tokenizers on each word
/// (a word that cannot be covered entirely becomes <c>[UNK]</c>).
/// </summary>
public sealed class BertWordPieceTokenizer : SubwordTokenizerBase
{
    /// <summary>HF's <c>max_input_chars_per_word</c>: longer words (in code points) become <c>[UNK]</c>.</summary>
    public const int MaxInputCharsPerWord = 100;

    private readonly WordPieceVocabulary _vocabulary;
    private readonly BertBasicTokenizer _basic;
    private readonly WordPieceTokenizer _wordPiece;
    private readonly SubwordToken _unknown;

    private BertWordPieceTokenizer(WordPieceVocabulary vocabulary, TokenizerSettings settings, IReadOnlyList<SpecialToken> specials, SequenceTemplate template)
        : base(specials, template, vocabulary.RequireId(settings.PadToken), vocabulary.RequireId(settings.MaskToken), settings.ModelMaxLength)
    {
        _vocabulary = vocabulary;
        _unknown = new SubwordToken(vocabulary.RequireId(settings.UnknownToken), settings.UnknownToken);
        var neverSplit = new HashSet<string>(settings.NeverSplit, StringComparer.Ordinal);
        foreach (var special in specials) neverSplit.Add(special.Content);
        _basic = new BertBasicTokenizer(settings.DoLowerCase, settings.StripAccents, settings.TokenizeChineseChars, neverSplit);
        NeverSplit = neverSplit;
        using var stream = vocabulary.ToStream();
        _wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = settings.UnknownToken,
            ContinuingSubwordPrefix = "##",
            // HF's limit counts code points, the library's UTF-16 units: we apply HF's limit ourselves and give the
            // library room for 100 surrogate pairs (a larger value is not harmless: the library stack-allocates by it).
            MaxInputCharsPerWord = 2 * MaxInputCharsPerWord,
            PreTokenizer = null,
            Normalizer = null,
        });
    }

    private IReadOnlySet<string> NeverSplit { get; }

    public override int VocabularySize => _vocabulary.Count;

    public WordPieceVocabulary Vocabulary => _vocabulary;

    public override string IdToToken(int id) =>
        (uint)id < (uint)_vocabulary.Count ? _vocabulary.Tokens[id] : throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is outside the vocabulary (size {_vocabulary.Count})");

    /// <summary>Builds the tokenizer from a vocab.txt and the settings of tokenizer_config.json.</summary>
    public static BertWordPieceTokenizer Create(string vocabPath, TokenizerSettings settings)
    {
        var vocabulary = WordPieceVocabulary.Load(vocabPath);
        var specials = new List<SpecialToken>();
        foreach (var (content, strip) in settings.SpecialTokens)
            if (vocabulary.TryGetId(content, out var id)) specials.Add(new SpecialToken(content, id, strip.Left, strip.Right));
        var template = SequenceTemplate.Bert(
            new SubwordToken(vocabulary.RequireId(settings.ClassificationToken), settings.ClassificationToken),
            new SubwordToken(vocabulary.RequireId(settings.SeparatorToken), settings.SeparatorToken));
        try
        {
            return new BertWordPieceTokenizer(vocabulary, settings, specials, template);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidInputException($"Microsoft.ML.Tokenizers rejected the WordPiece vocabulary: {e.Message}", vocabPath, inner: e);
        }
    }

    protected override IEnumerable<SubwordToken> TokenizeChunk(string chunk)
    {
        foreach (var word in _basic.Tokenize(chunk))
        {
            if (NeverSplit.Contains(word))
            {
                yield return _vocabulary.TryGetId(word, out var id) ? new SubwordToken(id, word) : _unknown;
                continue;
            }
            if (word.EnumerateRunes().Count() > MaxInputCharsPerWord)
            {
                yield return _unknown;
                continue;
            }
            foreach (var token in _wordPiece.EncodeToTokens(word, out _, considerPreTokenization: false, considerNormalization: false))
                yield return new SubwordToken(token.Id, token.Value);
        }
    }
}
