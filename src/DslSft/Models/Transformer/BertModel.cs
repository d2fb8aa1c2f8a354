using DslSft.Dsl.Models;
using DslSft.Models.Autograd;
using static TorchSharp.torch;

namespace DslSft.Models.Transformer;

/// <summary>
/// The encoder body shared by every head: embeddings and <c>num_hidden_layers</c> layers under HF's names
/// (<c>embeddings.*</c>, <c>encoder.layer.{i}.*</c>). Poolers belong to the heads that use them.
/// </summary>
[Model(typeof(TransformerConfig))]
public sealed partial class BertModel : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    [Block("embeddings")] public partial BertEmbeddings Embeddings { get; }
    [Repeated("encoder.layer.{i}", "num_hidden_layers")] public partial IReadOnlyList<BertLayer> Layers { get; }

    /// <summary>
    /// Recompute each layer's activations in backward instead of keeping them (HF's <c>gradient_checkpointing</c>):
    /// the peak memory of training drops by most of the activations, for about one more forward pass per update.
    /// Applies while training with gradients enabled; evaluation is unchanged.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Last hidden state [batch, length, hidden].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds) =>
        Encode(inputIds, attentionMask, tokenTypeIds);

    /// <summary>
    /// Runs the encoder. <paramref name="hiddenStates"/>, when given, receives the embedding output followed by every
    /// layer's output (HF's <c>output_hidden_states</c>); the caller owns those tensors.
    /// </summary>
    public Tensor Encode(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds, Tensor? positionIds = null, IList<Tensor>? hiddenStates = null)
    {
        using var scope = NewDisposeScope();
        attentionMask ??= ones_like(inputIds);
        var additiveMask = AdditiveMask(attentionMask, ScalarType.Float32);
        var hidden = Embeddings.forward(inputIds, tokenTypeIds, positionIds);
        hiddenStates?.Add(hidden.alias().MoveToOuterDisposeScope());
        foreach (var layer in Layers)
        {
            hidden = GradientCheckpointing && training && is_grad_enabled()
                ? CheckpointedLayer.Forward(layer, hidden, additiveMask)
                : layer.forward(hidden, additiveMask);
            hiddenStates?.Add(hidden.alias().MoveToOuterDisposeScope());
        }
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>[batch, length] 1/0 mask → [batch, 1, 1, length] additive mask: 0 to attend, the dtype's minimum to ignore (as HF).</summary>
    public static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2);
        var additive = (1.0 - mask) * float.MinValue;
        return additive.MoveToOuterDisposeScope();
    }
}
