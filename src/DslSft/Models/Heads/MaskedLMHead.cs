using DslSft.Models.SampledGradients;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>The forward pass and decoder surgery shared by the BERT and XLM-R masked-LM heads.</summary>
internal static class MaskedLMHead
{
    public static ModelOutput Forward(BertModel encoder, ModelBatch batch, Func<Tensor, Tensor> transform, LayerNorm layerNorm, Linear decoder)
    {
        using var scope = NewDisposeScope();
        var hidden = encoder.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var labels = batch.Labels;
        if (labels is not null && batch.LogitsAtLabelsOnly)
        {
            // Gather the labelled positions first: the transform, LayerNorm and decoder are position-wise, so this
            // changes nothing but the amount of work.
            var flatLabels = labels.view(-1);
            var positions = nonzero(flatLabels.ne(-100)).view(-1);
            hidden = hidden.view(-1, hidden.shape[^1]).index_select(0, positions);
            labels = flatLabels.index_select(0, positions);
        }
        // A decoder tied to the (maskable) word embeddings shares their sampled gradient in the sparse phase.
        var logits = SampledWeightGradients.Linear(decoder, layerNorm.forward(transform(hidden)));
        Tensor? loss = null;
        if (labels is not null)
            loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), labels.view(-1), ignore_index: -100);
        return new ModelOutput(logits.MoveToOuterDisposeScope(), loss?.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Gives the decoder its own copy of the word embeddings (composable-sft's <c>--freeze_decoder</c> surgery for
    /// language SFTs: the decoder stays at the pre-trained embeddings while they are fine-tuned). With
    /// <paramref name="freeze"/> the copy does not require gradients (role Frozen), otherwise it is a dense head.
    /// The bias stays tied to the head's bias.
    /// </summary>
    public static void Untie(Linear decoder, bool freeze)
    {
        using var _ = no_grad();
        var copy = new Parameter(decoder.weight!.detach().clone(), requires_grad: !freeze);
        decoder.weight = copy;
    }
}
