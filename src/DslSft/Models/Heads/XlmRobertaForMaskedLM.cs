using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>XLMRobertaForMaskedLM</c> / <c>RobertaForMaskedLM</c>: <c>lm_head</c> = dense + GELU + layer norm + decoder tied to the embeddings, with its own bias.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class XlmRobertaForMaskedLM : nn.Module<ModelBatch, ModelOutput>, IMaskedLanguageModel
{
    [Block("roberta")] public partial BertModel Roberta { get; }
    [Linear("lm_head.dense", "hidden_size", "hidden_size", Role = ParameterRole.DenseHead)] public partial Linear Dense { get; }
    [LayerNorm("lm_head.layer_norm", "hidden_size", "layer_norm_eps", Role = ParameterRole.DenseHead)] public partial LayerNorm LayerNorm { get; }
    [Parameter("lm_head.bias", "vocab_size", Role = ParameterRole.DenseHead)] public partial Parameter Bias { get; }
    [Linear("lm_head.decoder", "hidden_size", "vocab_size", Role = ParameterRole.DenseHead,
        TieWeightTo = "roberta.embeddings.word_embeddings.weight", TieBiasTo = "lm_head.bias")]
    public partial Linear Decoder { get; }

    // RobertaLMHead uses exact GELU whatever hidden_act says.
    public override ModelOutput forward(ModelBatch batch) =>
        MaskedLMHead.Forward(Roberta, batch, hidden => nn.functional.gelu(Dense.forward(hidden)), LayerNorm, Decoder);

    /// <inheritdoc cref="MaskedLMHead.Untie"/>
    public void UntieDecoder(bool freeze) => MaskedLMHead.Untie(Decoder, freeze);

    public string DecoderWeightName => "lm_head.decoder.weight";
    public string WordEmbeddingsName => "roberta.embeddings.word_embeddings.weight";
    public bool DecoderIsTied => ParameterTable.SharesStorage(Decoder.weight!, Roberta.Embeddings.WordEmbeddings.weight!);

    public ModelHead Head => ModelHead.MaskedLM;
    public nn.Module Module => this;
    public BertModel Encoder => Roberta;
    public string BasePrefix => "roberta";
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
