// DistilBERT (HF DistilBertForMaskedLM) declared with the architecture DSL: HF names, shapes, roles and the tie are
// declarations; the forward pass is plain TorchSharp. Loads HF distilbert-base-* checkpoints by name.
using DslSft.Dsl.Models;
using DslSft.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Samples.DistilBert;

[ModelConfig]
public partial class DistilBertConfig
{
    [ConfigKey("vocab_size", Min = 1)] public int VocabSize { get; set; }
    [ConfigKey("dim", Min = 1)] public int Dim { get; set; } = 768;
    [ConfigKey("n_layers", Min = 1)] public int Layers { get; set; } = 6;
    [ConfigKey("n_heads", Min = 1)] public int Heads { get; set; } = 12;
    [ConfigKey("hidden_dim", Min = 1)] public int HiddenDim { get; set; } = 3072;
    [ConfigKey("max_position_embeddings", Min = 1)] public int MaxPositions { get; set; } = 512;
    [ConfigKey("dropout", Min = 0)] public double Dropout { get; set; } = 0.1;
    [ConfigKey("attention_dropout", Min = 0)] public double AttentionDropout { get; set; } = 0.1;
}

[Model(typeof(DistilBertConfig))]
public sealed partial class DistilBertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [Linear("attention.q_lin", "dim", "dim")] public partial Linear Query { get; }
    [Linear("attention.k_lin", "dim", "dim")] public partial Linear Key { get; }
    [Linear("attention.v_lin", "dim", "dim")] public partial Linear Value { get; }
    [Linear("attention.out_lin", "dim", "dim")] public partial Linear Out { get; }
    [LayerNorm("sa_layer_norm", "dim", "1e-12")] public partial LayerNorm AttentionNorm { get; }
    [Linear("ffn.lin1", "dim", "hidden_dim")] public partial Linear Up { get; }
    [Linear("ffn.lin2", "hidden_dim", "dim")] public partial Linear Down { get; }
    [LayerNorm("output_layer_norm", "dim", "1e-12")] public partial LayerNorm OutputNorm { get; }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        long b = x.shape[0], l = x.shape[1], h = Config.Heads, d = Config.Dim / Config.Heads;
        Tensor Split(Linear layer) => layer.forward(x).view(b, l, h, d).transpose(1, 2);
        var scores = matmul(Split(Query) / Math.Sqrt(d), Split(Key).transpose(-1, -2)) + additiveMask;
        var probabilities = nn.functional.dropout(scores.softmax(-1), Config.AttentionDropout, training);
        var context = matmul(probabilities, Split(Value)).transpose(1, 2).reshape(b, l, Config.Dim);
        var attended = AttentionNorm.forward(nn.functional.dropout(Out.forward(context), Config.Dropout, training) + x);
        var ffn = Down.forward(nn.functional.gelu(Up.forward(attended)));
        return OutputNorm.forward(nn.functional.dropout(ffn, Config.Dropout, training) + attended);
    }
}

[Model(typeof(DistilBertConfig))]
public sealed partial class DistilBertForMaskedLM : nn.Module<Tensor, Tensor, Tensor>
{
    [Embedding("distilbert.embeddings.word_embeddings", "vocab_size", "dim")] public partial Embedding Words { get; }
    [Embedding("distilbert.embeddings.position_embeddings", "max_position_embeddings", "dim")] public partial Embedding Positions { get; }
    [LayerNorm("distilbert.embeddings.LayerNorm", "dim", "1e-12")] public partial LayerNorm EmbeddingNorm { get; }
    [Repeated("distilbert.transformer.layer.{i}", "n_layers")] public partial IReadOnlyList<DistilBertLayer> Blocks { get; }
    [Linear("vocab_transform", "dim", "dim", Role = ParameterRole.DenseHead)] public partial Linear Transform { get; }
    [LayerNorm("vocab_layer_norm", "dim", "1e-12", Role = ParameterRole.DenseHead)] public partial LayerNorm TransformNorm { get; }
    [Linear("vocab_projector", "dim", "vocab_size", Role = ParameterRole.DenseHead,
        TieWeightTo = "distilbert.embeddings.word_embeddings.weight")] public partial Linear Projector { get; }

    /// <summary>MLM logits [batch, length, vocab] for ids and a 1/0 attention mask.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        var positions = arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        var x = nn.functional.dropout(EmbeddingNorm.forward(Words.forward(ids) + Positions.forward(positions)), Config.Dropout, training);
        var additiveMask = (1.0 - mask.to(x.dtype).unsqueeze(1).unsqueeze(2)) * float.MinValue;
        foreach (var block in Blocks) x = block.forward(x, additiveMask);
        return Projector.forward(TransformNorm.forward(nn.functional.gelu(Transform.forward(x))));
    }
}
