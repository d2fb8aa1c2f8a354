using Microsoft.ML.Tokenizers;

namespace DslSft.Tokenization;

/// <summary>
/// HF's slow <c>XLMRobertaTokenizer</c>: the SentencePiece (unigram) model run by Microsoft.ML.Tokenizers, with
/// fairseq's id layout on top: <c>&lt;s&gt;=0 &lt;pad&gt;=1 &lt;/s&gt;=2 &lt;unk&gt;=3</c>, piece p ≥ 3 → p + 1,
/// SentencePiece's unknown (0) → 3, <c>&lt;mask&gt;</c> = piece count + 1. Text is split around literal special
/// tokens first and every chunk is encoded on its own (so each gets its own <c>▁</c> prefix).
/// </summary>
public sealed class XlmRobertaTokenizer : SubwordTokenizerBase
{
    /// <summary>fairseq reserves id 0..3 for &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt; and shifts every other piece by one.</summary>
    public const int FairseqOffset = 1;
    public const int BosId = 0, PadId = 1, EosId = 2, UnkId = 3;
    private const int SentencePieceUnknownId = 0;

    private readonly SentencePieceTokenizer _model;
    private readonly string[] _idToToken;

    private XlmRobertaTokenizer(SentencePieceTokenizer model, string[] idToToken, TokenizerSettings settings, IReadOnlyList<SpecialToken> specials, int maskId)
        : base(specials, SequenceTemplate.Roberta(new SubwordToken(BosId, settings.ClassificationToken), new SubwordToken(EosId, settings.SeparatorToken)),
               PadId, maskId, settings.ModelMaxLength)
    {
        _model = model;
        _idToToken = idToToken;
    }

    public override int VocabularySize => _idToToken.Length;

    public override string IdToToken(int id) =>
        (uint)id < (uint)_idToToken.Length ? _idToToken[id] : throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is outside the vocabulary (size {_idToToken.Length})");

    /// <summary>Builds the tokenizer from a SentencePiece model file (<c>sentencepiece.bpe.model</c>) and tokenizer_config.json settings.</summary>
    public static XlmRobertaTokenizer Create(string modelPath, TokenizerSettings settings)
    {
        SentencePieceTokenizer model;
        try
        {
            using var stream = IO.InputFile.Open(modelPath, "SentencePiece model");
            model = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException and not InvalidInputException)
        {
            throw new InvalidInputException($"not a valid SentencePiece model: {e.Message}", modelPath, inner: e);
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException($"cannot read SentencePiece model: {e.Message}", modelPath, inner: e);
        }
        if (model.UnknownId != SentencePieceUnknownId)
            throw new InvalidInputException($"SentencePiece model has its unknown piece at id {model.UnknownId}; the XLM-R id layout needs it at 0", modelPath);

        var pieceCount = model.Vocabulary.Count;
        var maskId = pieceCount + FairseqOffset;
        var idToToken = new string[pieceCount + FairseqOffset + 1];
        foreach (var (piece, id) in model.Vocabulary)
        {
            if ((uint)id >= (uint)pieceCount) throw new InvalidInputException($"SentencePiece piece '{piece}' has id {id} outside 0..{pieceCount - 1}", modelPath);
            idToToken[id + FairseqOffset] = piece;
        }
        (idToToken[BosId], idToToken[PadId], idToToken[EosId], idToToken[UnkId], idToToken[maskId]) =
            (settings.ClassificationToken, settings.PadToken, settings.SeparatorToken, settings.UnknownToken, settings.MaskToken);

        var fixedIds = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [settings.ClassificationToken] = BosId, [settings.PadToken] = PadId, [settings.SeparatorToken] = EosId,
            [settings.UnknownToken] = UnkId, [settings.MaskToken] = maskId,
        };
        var specials = new List<SpecialToken>();
        foreach (var (content, strip) in settings.SpecialTokens)
        {
            var id = fixedIds.TryGetValue(content, out var fixedId) ? fixedId
                : model.Vocabulary.TryGetValue(content, out var pieceId) && pieceId != SentencePieceUnknownId ? pieceId + FairseqOffset
                : throw new InvalidInputException($"special token '{content}' is neither a fairseq special nor a piece of the SentencePiece model", modelPath);
            specials.Add(new SpecialToken(content, id, strip.Left, strip.Right));
        }
        return new XlmRobertaTokenizer(model, idToToken, settings, specials, maskId);
    }

    protected override IEnumerable<SubwordToken> TokenizeChunk(string chunk)
    {
        var pieces = _model.EncodeToTokens(chunk, out var normalized, addBeginningOfSentence: false, addEndOfSentence: false);
        var text = normalized ?? chunk;
        var result = new List<SubwordToken>(pieces.Count);
        var previousUnknownEnd = -1;
        foreach (var piece in pieces)
        {
            var (start, length) = piece.Offset.GetOffsetAndLength(text.Length);
            if (piece.Id != SentencePieceUnknownId)
            {
                result.Add(new SubwordToken(piece.Id + FairseqOffset, piece.Value));
                previousUnknownEnd = -1;
                continue;
            }
            // SentencePiece merges a run of unknown characters into one piece that keeps its surface text
            // (漢字 is one <unk>); the library yields one per character.
            var surface = text.Substring(start, length);
            if (previousUnknownEnd == start)
                result[^1] = result[^1] with { Text = result[^1].Text + surface };
            else
                result.Add(new SubwordToken(UnkId, surface));
            previousUnknownEnd = start + length;
        }
        return result;
    }
}
