using DslSft.Data.Mlm;
using DslSft.Engine;
using DslSft.Models;
using DslSft.Models.Transformer;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>Sizes of a BERT-shaped masked-LM encoder.</summary>
internal sealed record EncoderShape(string Name, int Vocabulary, int Hidden, int Layers, int Heads, int Intermediate)
{
    public static EncoderShape BertBase { get; } = new("BERT-base", 30522, 768, 12, 12, 3072);
    public static EncoderShape Small { get; } = new("small", 8000, 256, 4, 4, 1024);

    public static EncoderShape Named(string name) => name == BertBase.Name ? BertBase : Small;

    public string Describe() => $"{Name} (h{Hidden}, L{Layers}, V{Vocabulary})";
}

/// <summary>
/// The engine benchmark's model and data: a randomly initialised <c>BertForMaskedLM</c> built through
/// <see cref="HfModel.Create"/> (the path the CLI trains), its parameter table as the trainer receives it, and
/// random-token masked-LM batches of 8 × 128 (15% masking, 80/10/10) from the library's collator.
/// </summary>
internal static class EngineBenchmarkModel
{
    public const int Batch = 8, Length = 128;

    public static ITransformerModel Create(EncoderShape shape)
    {
        manual_seed(1);
        var config = new TransformerConfig
        {
            VocabSize = shape.Vocabulary, HiddenSize = shape.Hidden, NumHiddenLayers = shape.Layers,
            NumAttentionHeads = shape.Heads, IntermediateSize = shape.Intermediate, MaxPositionEmbeddings = 512,
        };
        return HfModel.Create(config, ModelHead.MaskedLM);
    }

    /// <summary>Every parameter with its role from the model's table (the decoder is tied: role Tied, trained once as the word embeddings).</summary>
    public static List<TrainableParameter> Parameters(ITransformerModel model) =>
        ParameterTable.Build(model).Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();

    public static ITrainingData<MlmBatch> Data(EncoderShape shape)
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 64).Select(_ =>
            new long[] { 1 }.Concat(Enumerable.Range(0, Length - 2).Select(_ => (long)random.Next(5, shape.Vocabulary))).Append(2).ToArray()).ToList();
        var collator = new MlmCollator(shape.Vocabulary, maskTokenId: 4, padTokenId: 0, new long[] { 1, 2 }, seed: 5);
        return new ShuffledTrainingData<long[], MlmBatch>(rows, Batch, collator.Collate, seed: 7);
    }

    /// <summary>
    /// The model's MLM loss. <paramref name="labelsOnly"/>: decode only the masked positions
    /// (<see cref="MlmBatch.ToModelBatch"/>); otherwise logits at every position, as HF's BertForMaskedLM computes them.
    /// <paramref name="dropLogits"/>: free the logits before backward, as HF's Trainer does (compute_loss keeps only
    /// the loss); without it they live until the update's dispose scope ends, as with the CLI's
    /// <c>b =&gt; model.Forward(b).Loss!</c>.
    /// </summary>
    public static Tensor Loss(ITransformerModel model, MlmBatch batch, bool labelsOnly, bool dropLogits)
    {
        var output = model.Forward(labelsOnly ? batch.ToModelBatch() : new ModelBatch(batch.InputIds, batch.AttentionMask) { Labels = batch.Labels });
        if (dropLogits) output.Logits.Dispose();
        return output.Loss!;
    }
}
