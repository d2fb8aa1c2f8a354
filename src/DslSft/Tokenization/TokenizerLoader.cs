namespace DslSft.Tokenization;

/// <summary>Loads the tokenizer of an HF model directory, choosing the family by the files present.</summary>
public static class TokenizerLoader
{
    /// <summary>WordPiece vocabulary of BERT-family models.</summary>
    public const string WordPieceVocabFile = "vocab.txt";

    /// <summary>SentencePiece model of XLM-R (a unigram model despite the name).</summary>
    public const string SentencePieceModelFile = "sentencepiece.bpe.model";

    /// <summary>
    /// <c>vocab.txt</c> → <see cref="BertWordPieceTokenizer"/>; <c>sentencepiece.bpe.model</c> → <see cref="XlmRobertaTokenizer"/>;
    /// settings from <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c> when present.
    /// </summary>
    public static ITextTokenizer FromDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new InvalidInputException("model directory does not exist", directory);
        var vocab = Path.Combine(directory, WordPieceVocabFile);
        var sentencePiece = Path.Combine(directory, SentencePieceModelFile);
        if (File.Exists(vocab))
            return BertWordPieceTokenizer.Create(vocab, TokenizerSettings.Load(directory, TokenizerSettings.BertDefaults));
        if (File.Exists(sentencePiece))
            return XlmRobertaTokenizer.Create(sentencePiece, TokenizerSettings.Load(directory, TokenizerSettings.XlmRobertaDefaults));
        var hint = File.Exists(Path.Combine(directory, "tokenizer.json"))
            ? " (only tokenizer.json is present: fast-tokenizer files are not supported; add the slow tokenizer's vocab.txt or sentencepiece.bpe.model)"
            : "";
        throw new InvalidInputException($"no tokenizer found: expected {WordPieceVocabFile} (BERT WordPiece) or {SentencePieceModelFile} (XLM-R SentencePiece){hint}", directory);
    }
}
