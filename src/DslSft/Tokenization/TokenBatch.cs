using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tokenization;

/// <summary>
/// A padded batch ready for a BERT/XLM-R forward pass: int64 <c>input_ids</c>, <c>attention_mask</c> (1 = real token)
/// and <c>token_type_ids</c>, all [batch, longest], padded on the right; plus optional token <c>labels</c> padded with -100.
/// </summary>
public sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor? labels)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Labels = labels;
    }

    public Tensor InputIds { get; }
    public Tensor AttentionMask { get; }
    public Tensor TokenTypeIds { get; }
    public Tensor? Labels { get; }

    /// <summary>Pads <paramref name="sequences"/> to the longest with <paramref name="padTokenId"/> (HF's <c>padding=True</c>).</summary>
    public static TokenBatch Collate(IReadOnlyList<TokenizedSequence> sequences, int padTokenId, IReadOnlyList<long[]>? labels = null, Device? device = null)
    {
        if (sequences.Count == 0) throw new ArgumentException("cannot build a batch of no sequences", nameof(sequences));
        if (labels is not null && labels.Count != sequences.Count)
            throw new ArgumentException($"{labels.Count} label rows for {sequences.Count} sequences", nameof(labels));
        var batch = sequences.Count;
        var length = sequences.Max(s => s.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var types = new long[batch * length];
        var labelData = labels is null ? null : new long[batch * length];
        Array.Fill(ids, padTokenId);
        if (labelData is not null) Array.Fill(labelData, TokenizedSequence.IgnoreLabel);
        for (var b = 0; b < batch; b++)
        {
            var sequence = sequences[b];
            for (var i = 0; i < sequence.Length; i++)
            {
                ids[b * length + i] = sequence.InputIds[i];
                mask[b * length + i] = 1;
                types[b * length + i] = sequence.TokenTypeIds[i];
            }
            if (labelData is not null)
            {
                if (labels![b].Length != sequence.Length)
                    throw new ArgumentException($"sequence {b} has {sequence.Length} tokens but {labels[b].Length} labels", nameof(labels));
                labels[b].CopyTo(labelData, b * length);
            }
        }
        long[] shape = [batch, length];
        return new TokenBatch(
            tensor(ids, shape, dtype: ScalarType.Int64, device: device),
            tensor(mask, shape, dtype: ScalarType.Int64, device: device),
            tensor(types, shape, dtype: ScalarType.Int64, device: device),
            labelData is null ? null : tensor(labelData, shape, dtype: ScalarType.Int64, device: device));
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
        Labels?.Dispose();
    }
}
