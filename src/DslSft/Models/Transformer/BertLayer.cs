using DslSft.Dsl.Models;
using DslSft.Models.SampledGradients;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Transformer;

/// <summary>One encoder layer: multi-head self-attention and the feed-forward block, post-LayerNorm (HF BertLayer).</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [Linear("attention.self.query", "hidden_size", "hidden_size")] public partial Linear Query { get; }
    [Linear("attention.self.key", "hidden_size", "hidden_size")] public partial Linear Key { get; }
    [Linear("attention.self.value", "hidden_size", "hidden_size")] public partial Linear Value { get; }
    [Linear("attention.output.dense", "hidden_size", "hidden_size")] public partial Linear AttentionOutput { get; }
    [LayerNorm("attention.output.LayerNorm", "hidden_size", "layer_norm_eps")] public partial LayerNorm AttentionLayerNorm { get; }
    [Linear("intermediate.dense", "hidden_size", "intermediate_size")] public partial Linear Intermediate { get; }
    [Linear("output.dense", "intermediate_size", "hidden_size")] public partial Linear Output { get; }
    [LayerNorm("output.LayerNorm", "hidden_size", "layer_norm_eps")] public partial LayerNorm OutputLayerNorm { get; }

    // Linear layers go through SampledWeightGradients: in the LT-SFT sparse phase their weight gradients are
    // computed only at the selected entries; otherwise it is the plain forward.
    /// <param name="hidden">[batch, length, hidden] input states.</param>
    /// <param name="additiveMask">[batch, 1, 1, length]: 0 for keys to attend to, the most negative float for padding.</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        int heads = Config.NumAttentionHeads, headSize = Config.AttentionHeadSize;

        // [batch, length, hidden] -> [batch, heads, length, head size]
        Tensor SplitHeads(Tensor x) => x.view(batch, length, heads, headSize).transpose(1, 2);
        var query = SplitHeads(SampledWeightGradients.Linear(Query, hidden));
        var key = SplitHeads(SampledWeightGradients.Linear(Key, hidden));
        var value = SplitHeads(SampledWeightGradients.Linear(Value, hidden));

        // Scaled dot-product attention, written out as HF's eager BertSelfAttention does (scale after the product).
        var scores = matmul(query, key.transpose(-1, -2)) / Math.Sqrt(headSize);
        scores = scores + additiveMask;
        var probabilities = nn.functional.dropout(scores.softmax(-1), Config.AttentionProbsDropoutProb, training);
        var context = matmul(probabilities, value).transpose(1, 2).reshape(batch, length, Config.HiddenSize);

        var attended = nn.functional.dropout(SampledWeightGradients.Linear(AttentionOutput, context), Config.HiddenDropoutProb, training);
        attended = AttentionLayerNorm.forward(attended + hidden);

        var intermediate = Activations.Apply(Config.HiddenAct, SampledWeightGradients.Linear(Intermediate, attended));
        var output = nn.functional.dropout(SampledWeightGradients.Linear(Output, intermediate), Config.HiddenDropoutProb, training);
        output = OutputLayerNorm.forward(output + attended);
        return output.MoveToOuterDisposeScope();
    }
}
