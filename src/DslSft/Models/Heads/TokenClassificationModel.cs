using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>BertForTokenClassification</c> / <c>XLMRobertaForTokenClassification</c>: dropout and a linear classifier on every token.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class TokenClassificationModel : nn.Module<ModelBatch, ModelOutput>, ITransformerModel
{
    [Block("{BaseModelPrefix}")] public partial BertModel Encoder { get; }
    [Linear("classifier", "hidden_size", "num_labels", Role = ParameterRole.DenseHead)] public partial Linear Classifier { get; }

    public override ModelOutput forward(ModelBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Encoder.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, batch.PositionIds);
        var logits = Classifier.forward(nn.functional.dropout(hidden, Config.EffectiveClassifierDropout, training));
        Tensor? loss = null;
        if (batch.Labels is { } labels)
            loss = nn.functional.cross_entropy(logits.view(-1, Config.NumLabels), labels.view(-1), ignore_index: -100);
        return new ModelOutput(logits.MoveToOuterDisposeScope(), loss?.MoveToOuterDisposeScope());
    }

    public ModelHead Head => ModelHead.TokenClassification;
    public nn.Module Module => this;
    public string BasePrefix => Config.BaseModelPrefix;
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
