using DslSft.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>Sizes of a BERT-shaped masked-LM encoder.</summary>
internal sealed record EncoderShape(string Name, int Vocabulary, int Hidden, int Layers, int Heads, int Intermediate, int MaxPositions = 512)
{
    public static EncoderShape BertBase { get; } = new("BERT-base", 30522, 768, 12, 12, 3072);
    public static EncoderShape Small { get; } = new("small", 8000, 256, 4, 4, 1024);
}

/// <summary>
/// A BERT-shaped masked-LM in plain TorchSharp (post-LN encoder, GELU FFN, MLM head with the decoder tied to the
/// word embeddings), built here so the engine benchmark does not depend on the model generator. "bert.*" is the
/// maskable body and "cls.*" the dense head, as in composable-sft.
/// </summary>
internal sealed class EncoderMlm : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly EncoderShape _shape;
    private readonly Embedding word, position, tokenType;
    private readonly LayerNorm embeddingNorm;
    private readonly ModuleList<EncoderLayer> layers;
    private readonly Linear transform;
    private readonly LayerNorm transformNorm;
    private readonly Parameter decoderBias;

    public EncoderMlm(EncoderShape shape) : base("bert")
    {
        _shape = shape;
        word = nn.Embedding(shape.Vocabulary, shape.Hidden);
        position = nn.Embedding(shape.MaxPositions, shape.Hidden);
        tokenType = nn.Embedding(2, shape.Hidden);
        embeddingNorm = nn.LayerNorm(shape.Hidden);
        layers = nn.ModuleList(Enumerable.Range(0, shape.Layers).Select(_ => new EncoderLayer(shape)).ToArray());
        transform = nn.Linear(shape.Hidden, shape.Hidden);
        transformNorm = nn.LayerNorm(shape.Hidden);
        decoderBias = nn.Parameter(torch.zeros(shape.Vocabulary));
        RegisterComponents();
    }

    public static ParameterRole RoleOf(string name) =>
        name.StartsWith("transform", StringComparison.Ordinal) || name == "decoderBias" ? ParameterRole.DenseHead : ParameterRole.Maskable;

    public override Tensor forward(Tensor ids, Tensor attentionMask)
    {
        var positions = torch.arange(ids.shape[1], ScalarType.Int64).unsqueeze(0);
        var x = embeddingNorm.forward(word.forward(ids) + position.forward(positions) + tokenType.forward(torch.zeros_like(ids)));
        // Additive mask: 0 for tokens, a large negative number for padding, broadcast over heads and queries.
        var bias = (1 - attentionMask.to(ScalarType.Float32)).mul(-1e4f).unsqueeze(1).unsqueeze(1);
        foreach (var layer in layers) x = layer.forward(x, bias);
        var h = transformNorm.forward(nn.functional.gelu(transform.forward(x)));
        return torch.matmul(h, word.weight!.t()) + decoderBias;
    }

    private sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly int _heads, _headSize;
        private readonly Linear query, key, value, attentionOutput, intermediate, output;
        private readonly LayerNorm attentionNorm, outputNorm;

        public EncoderLayer(EncoderShape shape) : base("layer")
        {
            _heads = shape.Heads;
            _headSize = shape.Hidden / shape.Heads;
            query = nn.Linear(shape.Hidden, shape.Hidden);
            key = nn.Linear(shape.Hidden, shape.Hidden);
            value = nn.Linear(shape.Hidden, shape.Hidden);
            attentionOutput = nn.Linear(shape.Hidden, shape.Hidden);
            attentionNorm = nn.LayerNorm(shape.Hidden);
            intermediate = nn.Linear(shape.Hidden, shape.Intermediate);
            output = nn.Linear(shape.Intermediate, shape.Hidden);
            outputNorm = nn.LayerNorm(shape.Hidden);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor maskBias)
        {
            long b = x.shape[0], t = x.shape[1];
            Tensor Split(Tensor y) => y.view(b, t, _heads, _headSize).transpose(1, 2);
            var scores = torch.matmul(Split(query.forward(x)), Split(key.forward(x)).transpose(2, 3)) / MathF.Sqrt(_headSize) + maskBias;
            var context = torch.matmul(scores.softmax(-1), Split(value.forward(x))).transpose(1, 2).reshape(b, t, -1);
            x = attentionNorm.forward(x + attentionOutput.forward(context));
            return outputNorm.forward(x + output.forward(nn.functional.gelu(intermediate.forward(x))));
        }
    }
}
