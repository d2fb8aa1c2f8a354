using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// The benchmark's baseline: the same BERT encoder + MLM head written by hand in plain TorchSharp (fields +
/// RegisterComponents, no DSL, no generated code), doing the same math as the DSL-built model.
/// </summary>
internal sealed class HandWrittenBertForMaskedLM : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding words, positions, types;
    private readonly LayerNorm embeddingNorm;
    private readonly ModuleList<HandWrittenLayer> layers;
    private readonly Linear transform;
    private readonly LayerNorm transformNorm;
    private readonly Linear decoder;
    private readonly double dropout;

    public HandWrittenBertForMaskedLM(int vocab, int hidden, int layerCount, int heads, int intermediate, int maxPositions, double dropout)
        : base("HandWrittenBertForMaskedLM")
    {
        this.dropout = dropout;
        words = nn.Embedding(vocab, hidden);
        positions = nn.Embedding(maxPositions, hidden);
        types = nn.Embedding(2, hidden);
        embeddingNorm = nn.LayerNorm(hidden, 1e-12);
        layers = new ModuleList<HandWrittenLayer>();
        for (int i = 0; i < layerCount; i++) layers.Add(new HandWrittenLayer(hidden, heads, intermediate, dropout));
        transform = nn.Linear(hidden, hidden);
        transformNorm = nn.LayerNorm(hidden, 1e-12);
        decoder = nn.Linear(hidden, vocab);
        decoder.weight = words.weight!;
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var positionIds = arange(ids.shape[1], dtype: ScalarType.Int64).unsqueeze(0).expand_as(ids);
        var x = words.forward(ids) + types.forward(zeros_like(ids));
        x = embeddingNorm.forward(x + positions.forward(positionIds));
        x = nn.functional.dropout(x, dropout, training);
        var additive = (1.0 - mask.to(ScalarType.Float32).unsqueeze(1).unsqueeze(2)) * float.MinValue;
        foreach (var layer in layers) x = layer.forward(x, additive);
        var logits = decoder.forward(transformNorm.forward(nn.functional.gelu(transform.forward(x))));
        return logits.MoveToOuterDisposeScope();
    }
}

internal sealed class HandWrittenLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value, attentionOut, up, down;
    private readonly LayerNorm attentionNorm, outputNorm;
    private readonly int heads, hidden;
    private readonly double dropout;

    public HandWrittenLayer(int hidden, int heads, int intermediate, double dropout) : base("HandWrittenLayer")
    {
        this.heads = heads;
        this.hidden = hidden;
        this.dropout = dropout;
        query = nn.Linear(hidden, hidden);
        key = nn.Linear(hidden, hidden);
        value = nn.Linear(hidden, hidden);
        attentionOut = nn.Linear(hidden, hidden);
        attentionNorm = nn.LayerNorm(hidden, 1e-12);
        up = nn.Linear(hidden, intermediate);
        down = nn.Linear(intermediate, hidden);
        outputNorm = nn.LayerNorm(hidden, 1e-12);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], l = x.shape[1], d = hidden / heads;
        Tensor Split(Linear layer) => layer.forward(x).view(b, l, heads, d).transpose(1, 2);
        var scores = matmul(Split(query), Split(key).transpose(-1, -2)) / Math.Sqrt(d) + additiveMask;
        var probabilities = nn.functional.dropout(scores.softmax(-1), dropout, training);
        var context = matmul(probabilities, Split(value)).transpose(1, 2).reshape(b, l, hidden);
        var attended = attentionNorm.forward(nn.functional.dropout(attentionOut.forward(context), dropout, training) + x);
        var ffn = down.forward(nn.functional.gelu(up.forward(attended)));
        return outputNorm.forward(nn.functional.dropout(ffn, dropout, training) + attended).MoveToOuterDisposeScope();
    }
}
