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
    /// Floating-point operations of one forward + backward on a batch (matrix products only; element-wise work is
    /// not counted): per layer the six Linear products (2·T·(4h² + 2h·i)) and attention (4·B·L²·h), the MLM head's
    /// transform and decoder at the decoded positions (15% of the non-special tokens with <paramref name="labelsOnly"/>,
    /// else all); backward costs twice the forward (input and weight gradients).
    /// </summary>
    public static double ForwardBackwardFlops(EncoderShape shape, bool labelsOnly)
    {
        double tokens = Batch * Length, h = shape.Hidden;
        var decoded = labelsOnly ? 0.15 * Batch * (Length - 2) : tokens;
        var layer = 2 * tokens * (4 * h * h + 2 * h * shape.Intermediate) + 4.0 * Batch * Length * Length * h;
        var head = 2 * decoded * (h * h + h * shape.Vocabulary);
        return 3 * (shape.Layers * layer + head);
    }

    /// <summary>
    /// The model's MLM loss, the logits freed before backward (as HF's Trainer and the CLI do: <see cref="ModelOutput.TrainingLoss"/>).
    /// <paramref name="labelsOnly"/>: decode only the masked positions (<see cref="MlmBatch.ToModelBatch"/>); otherwise
    /// logits at every position, as HF's BertForMaskedLM computes them.
    /// </summary>
    public static Tensor Loss(ITransformerModel model, MlmBatch batch, bool labelsOnly) =>
        model.Forward(labelsOnly ? batch.ToModelBatch() : new ModelBatch(batch.InputIds, batch.AttentionMask) { Labels = batch.Labels }).TrainingLoss();
}
