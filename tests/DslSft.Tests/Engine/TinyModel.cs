using DslSft.Engine;
using DslSft.Models;
using DslSft.Models.SampledGradients;
using DslSft.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

/// <summary>
/// A model small enough to train in milliseconds with every parameter kind LT-SFT cares about: an embedding
/// table (maskable, sparse-gradient-shaped), two dense layers and a LayerNorm (maskable body) and a token
/// classification head (dense head).
/// </summary>
internal sealed class TinyModel : nn.Module<Tensor, Tensor>
{
    public const int Vocabulary = 23;
    private readonly Embedding embeddings;
    private readonly Linear dense1;
    private readonly Linear dense2;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly Linear head;

    public TinyModel(int seed, double dropoutRate = 0.0, int hidden = 8) : base("tiny")
    {
        torch.random.manual_seed(seed);
        embeddings = nn.Embedding(Vocabulary, hidden);
        dense1 = nn.Linear(hidden, 2 * hidden);
        dense2 = nn.Linear(2 * hidden, hidden);
        LayerNorm = nn.LayerNorm(hidden);
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(hidden, Vocabulary);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        // The maskable layers sample their weight gradients in the sparse phase, as the library's models do.
        var x = SampledWeightGradients.Embedding(embeddings, ids);
        var h = dropout.forward(torch.tanh(SampledWeightGradients.Linear(dense1, x)));
        x = LayerNorm.forward(x + SampledWeightGradients.Linear(dense2, h));
        return head.forward(x);
    }

    public static ParameterRole RoleOf(string name) => name.StartsWith("head.", StringComparison.Ordinal) ? ParameterRole.DenseHead : ParameterRole.Maskable;

    public IReadOnlyList<TrainableParameter> Trainable() => TrainableParameter.FromModule(this, RoleOf);

    public Tensor Loss(TinyBatch batch) =>
        nn.functional.cross_entropy(forward(batch.Ids).reshape(-1, Vocabulary), batch.Targets.reshape(-1));

    /// <summary>Copies of every parameter, by name.</summary>
    public Dictionary<string, Tensor> Snapshot()
    {
        using var noGrad = torch.no_grad();
        return named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    }
}

internal sealed record TinyBatch(Tensor Ids, Tensor Targets);

internal static class TinyData
{
    /// <summary>Sequences of random ids whose target at each position is a fixed function of the id.</summary>
    public static ShuffledTrainingData<long[], TinyBatch> Create(int examples = 24, int batchSize = 4, int length = 6, int seed = 5)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, examples)
            .Select(_ => Enumerable.Range(0, length).Select(_ => (long)random.Next(TinyModel.Vocabulary)).ToArray()).ToList();
        return new ShuffledTrainingData<long[], TinyBatch>(data, batchSize, Collate, seed);
    }

    public static TinyBatch Collate(IReadOnlyList<long[]> rows)
    {
        var length = rows[0].Length;
        var ids = rows.SelectMany(r => r).ToArray();
        var targets = ids.Select(i => (i * 7 + 3) % TinyModel.Vocabulary).ToArray();
        return new TinyBatch(torch.tensor(ids, new long[] { rows.Count, length }), torch.tensor(targets, new long[] { rows.Count, length }));
    }
}
