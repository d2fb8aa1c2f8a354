namespace DslSft.Tokenization;

/// <summary>
/// A subword tokenizer that reproduces a Hugging Face "slow" tokenizer id for id: WordPiece for the BERT family
/// (<see cref="BertWordPieceTokenizer"/>) and SentencePiece with fairseq ids for XLM-R
/// (<see cref="XlmRobertaTokenizer"/>). Load one with <see cref="TokenizerLoader.FromDirectory"/>.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the model's embedding table must have (including added special tokens).</summary>
    int VocabularySize { get; }

    /// <summary>Id used to pad batches (<c>[PAD]</c> / <c>&lt;pad&gt;</c>).</summary>
    int PadTokenId { get; }

    /// <summary>Id of the mask token (<c>[MASK]</c> / <c>&lt;mask&gt;</c>) for masked language modelling.</summary>
    int MaskTokenId { get; }

    /// <summary>Ids of every special token (never chosen as MLM targets, labelled -100 in token tasks).</summary>
    IReadOnlySet<int> SpecialTokenIds { get; }

    /// <summary><c>model_max_length</c> from tokenizer_config.json (the usual truncation length).</summary>
    int ModelMaxLength { get; }

    /// <summary>The subword tokens of <paramref name="text"/>, without the sequence's special tokens
    /// (literal special tokens written in the text are kept, as HF does).</summary>
    IReadOnlyList<SubwordToken> Tokenize(string text);

    /// <summary>
    /// Encodes a text, or a text pair, with the model's special tokens (<c>[CLS] A [SEP] B [SEP]</c> /
    /// <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>), truncating the longest part first when
    /// <paramref name="maxLength"/> is given (HF's <c>truncation="longest_first"</c>).
    /// </summary>
    TokenizedSequence Encode(string text, string? pair = null, int? maxLength = null);

    /// <summary>
    /// Encodes pre-split words (HF's <c>is_split_into_words=True</c>): each word is tokenized on its own and
    /// <see cref="TokenizedSequence.WordIds"/> records which word each subword came from, so token labels can be
    /// put on the first subword of each word (<see cref="TokenizedSequence.AlignWordLabels"/>).
    /// </summary>
    TokenizedSequence EncodeWords(IReadOnlyList<string> words, int? maxLength = null);

    /// <summary>The token string of an id (e.g. <c>##s</c>, <c>▁the</c>).</summary>
    string IdToToken(int id);
}
