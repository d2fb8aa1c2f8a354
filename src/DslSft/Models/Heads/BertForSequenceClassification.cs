using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>BertForSequenceClassification</c>: pooler (dense + tanh on the [CLS] vector, part of the encoder body), dropout, classifier.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class BertForSequenceClassification : nn.Module<ModelBatch, ModelOutput>, ITransformerModel
{
    [Block("bert")] public partial BertModel Bert { get; }
    [Linear("bert.pooler.dense", "hidden_size", "hidden_size")] public partial Linear Pooler { get; }
    [Linear("classifier", "hidden_size", "num_labels", Role = ParameterRole.DenseHead)] public partial Linear Classifier { get; }

    public override ModelOutput forward(ModelBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Bert.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var pooled = Pooler.forward(hidden.select(1, 0)).tanh();
        var logits = Classifier.forward(nn.functional.dropout(pooled, Config.EffectiveClassifierDropout, training));
        return new ModelOutput(logits.MoveToOuterDisposeScope(), SequenceClassificationLoss.Compute(logits, batch.Labels)?.MoveToOuterDisposeScope());
    }

    public ModelHead Head => ModelHead.SequenceClassification;
    public nn.Module Module => this;
    public BertModel Encoder => Bert;
    public string BasePrefix => "bert";
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
