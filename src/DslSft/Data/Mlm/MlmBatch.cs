using DslSft.Models;
using static TorchSharp.torch;

namespace DslSft.Data.Mlm;

/// <summary>
/// A masked-LM batch: token ids with some positions corrupted, the attention mask (1 for real tokens, 0 for
/// padding) and the labels (the original id where a prediction is asked for, -100 elsewhere). All int64 [batch, length].
/// </summary>
public sealed record MlmBatch(Tensor InputIds, Tensor AttentionMask, Tensor Labels)
{
    /// <summary>The label value that cross-entropy ignores.</summary>
    public const long IgnoreIndex = -100;

    /// <summary>The batch as a model takes it, decoding only the masked positions (the loss is the same, the work is not).</summary>
    public ModelBatch ToModelBatch() => new(InputIds, AttentionMask) { Labels = Labels, LogitsAtLabelsOnly = true };
}
