using TorchSharp.Modules;

namespace DslSft.Models;

/// <summary>A masked-LM model whose decoder is tied to the word embeddings when loaded, as in HF.</summary>
public interface IMaskedLanguageModel : ITransformerModel
{
    /// <summary>The vocabulary projection (its weight is the word-embedding tensor while tied).</summary>
    Linear Decoder { get; }

    /// <summary>HF name of the decoder weight, e.g. <c>cls.predictions.decoder.weight</c>.</summary>
    string DecoderWeightName { get; }

    /// <summary>HF name of the word embeddings, e.g. <c>bert.embeddings.word_embeddings.weight</c>.</summary>
    string WordEmbeddingsName { get; }

    /// <summary>True while the decoder weight and the word embeddings are one tensor.</summary>
    bool DecoderIsTied { get; }

    /// <summary>
    /// Gives the decoder its own copy of the current word embeddings. With <paramref name="freeze"/> the copy
    /// requires no gradient (it stays at these values while the embeddings train), otherwise it trains as a head.
    /// The decoder bias stays tied to the head's bias.
    /// </summary>
    void UntieDecoder(bool freeze);
}
