using static TorchSharp.torch;

namespace DslSft.Tokenization;

/// <summary>Batch helpers on top of <see cref="ITextTokenizer"/>.</summary>
public static class TokenizerExtensions
{
    /// <summary>Encodes texts (or text pairs when <paramref name="pairs"/> is given) and pads them into one <see cref="TokenBatch"/>.</summary>
    public static TokenBatch EncodeBatch(this ITextTokenizer tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, int? maxLength = null, Device? device = null)
    {
        if (pairs is not null && pairs.Count != texts.Count)
            throw new ArgumentException($"{pairs.Count} second texts for {texts.Count} first texts", nameof(pairs));
        var sequences = texts.Select((text, i) => tokenizer.Encode(text, pairs?[i], maxLength)).ToList();
        return TokenBatch.Collate(sequences, tokenizer.PadTokenId, device: device);
    }
}
