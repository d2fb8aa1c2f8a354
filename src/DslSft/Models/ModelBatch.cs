using static TorchSharp.torch;

namespace DslSft.Models;

/// <summary>
/// One batch of model inputs (and optional targets). Ids and masks are int64 [batch, length]. Targets use
/// -100 for positions to ignore, as HF does. Which targets a head reads:
/// MLM and token classification <see cref="Labels"/> [batch, length]; sequence classification <see cref="Labels"/> [batch];
/// QA <see cref="StartPositions"/>/<see cref="EndPositions"/> [batch]; parsing <see cref="WordIndex"/> plus
/// <see cref="Heads"/>/<see cref="Relations"/> [batch, words + 1].
/// </summary>
public sealed record ModelBatch(Tensor InputIds, Tensor AttentionMask)
{
    public Tensor? TokenTypeIds { get; init; }
    public Tensor? PositionIds { get; init; }
    public Tensor? Labels { get; init; }

    /// <summary>
    /// MLM training: run the decoder only at positions whose label is not -100, so <see cref="ModelOutput.Logits"/> is
    /// [labelled positions, V] instead of [B, L, V]. The loss (mean cross-entropy over labelled positions) and its
    /// gradient are the same as with every position decoded, but the vocabulary projection costs about 15% as much:
    /// for MiniLM at 16 × 128 tokens it is most of the step. Other heads ignore it.
    /// </summary>
    public bool LogitsAtLabelsOnly { get; init; }
    public Tensor? StartPositions { get; init; }
    public Tensor? EndPositions { get; init; }

    /// <summary>Parsing: [batch, length] word number of every subword (1-based), 0 for the first token (the root), -1 for specials/pads.</summary>
    public Tensor? WordIndex { get; init; }

    /// <summary>Parsing: [batch, words + 1] gold head (word number, 0 = root) per word; index 0 and pads are -100.</summary>
    public Tensor? Heads { get; init; }

    /// <summary>Parsing: [batch, words + 1] gold relation id per word; index 0 and pads are -100.</summary>
    public Tensor? Relations { get; init; }
}

/// <summary>
/// What a head returns: <see cref="Logits"/> (MLM [B, L, V], token [B, L, labels], sequence [B, labels], QA start [B, L],
/// parser arcs [B, W+1 dependents, W+1 heads]), the second output where there is one (QA end logits, parser relation
/// scores [B, W+1, W+1, relations]) and the loss when the batch carries targets.
/// </summary>
public sealed record ModelOutput(Tensor Logits, Tensor? Loss, Tensor? SecondLogits = null)
{
    /// <summary>
    /// The loss for a training step, with the logits freed first, as HF's Trainer keeps only the loss: autograd holds
    /// what backward needs, so the [positions, classes] logits need not stay alive through backward.
    /// </summary>
    public Tensor TrainingLoss()
    {
        var loss = Loss ?? throw new InvalidOperationException("the batch carries no targets, so there is no loss to train on");
        Logits.Dispose();
        SecondLogits?.Dispose();
        return loss;
    }
}
