using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>*ForQuestionAnswering</c>: <c>qa_outputs</c> gives start and end logits per token; loss = mean of the two cross-entropies.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class QuestionAnsweringModel : nn.Module<ModelBatch, ModelOutput>, ITransformerModel
{
    [Block("{BaseModelPrefix}")] public partial BertModel Encoder { get; }
    [Linear("qa_outputs", "hidden_size", "2", Role = ParameterRole.DenseHead)] public partial Linear Outputs { get; }

    /// <summary>Logits = start logits [B, L]; SecondLogits = end logits [B, L].</summary>
    public override ModelOutput forward(ModelBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Encoder.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var logits = Outputs.forward(hidden);
        var start = logits.select(-1, 0).contiguous();
        var end = logits.select(-1, 1).contiguous();
        Tensor? loss = null;
        if (batch.StartPositions is { } startPositions && batch.EndPositions is { } endPositions)
        {
            // As HF: positions outside the sequence are clamped to L and ignored.
            var ignored = start.shape[1];
            var startLoss = nn.functional.cross_entropy(start, startPositions.clamp(0, ignored), ignore_index: ignored);
            var endLoss = nn.functional.cross_entropy(end, endPositions.clamp(0, ignored), ignore_index: ignored);
            loss = (startLoss + endLoss) / 2;
        }
        return new ModelOutput(start.MoveToOuterDisposeScope(), loss?.MoveToOuterDisposeScope(), end.MoveToOuterDisposeScope());
    }

    public ModelHead Head => ModelHead.QuestionAnswering;
    public nn.Module Module => this;
    public string BasePrefix => Config.BaseModelPrefix;
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
