using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>XLMRobertaForSequenceClassification</c>: no pooler; <c>classifier.dense</c> + tanh + <c>classifier.out_proj</c> on the &lt;s&gt; vector.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class RobertaForSequenceClassification : nn.Module<ModelBatch, ModelOutput>, ITransformerModel
{
    [Block("roberta")] public partial BertModel Roberta { get; }
    [Linear("classifier.dense", "hidden_size", "hidden_size", Role = ParameterRole.DenseHead)] public partial Linear Dense { get; }
    [Linear("classifier.out_proj", "hidden_size", "num_labels", Role = ParameterRole.DenseHead)] public partial Linear OutProjection { get; }

    public override ModelOutput forward(ModelBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Roberta.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var dropout = Config.EffectiveClassifierDropout;
        var x = nn.functional.dropout(hidden.select(1, 0), dropout, training);
        x = nn.functional.dropout(Dense.forward(x).tanh(), dropout, training);
        var logits = OutProjection.forward(x);
        return new ModelOutput(logits.MoveToOuterDisposeScope(), SequenceClassificationLoss.Compute(logits, batch.Labels)?.MoveToOuterDisposeScope());
    }

    public ModelHead Head => ModelHead.SequenceClassification;
    public nn.Module Module => this;
    public BertModel Encoder => Roberta;
    public string BasePrefix => "roberta";
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
