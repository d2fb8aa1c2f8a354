using DslSft.Dsl.Models;
using DslSft.Models.Transformer;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.Heads;

/// <summary>HF <c>BertForMaskedLM</c>: transform (dense + activation + LayerNorm) and a decoder tied to the word embeddings, with its own bias.</summary>
[Model(typeof(TransformerConfig))]
public sealed partial class BertForMaskedLM : nn.Module<ModelBatch, ModelOutput>, IMaskedLanguageModel
{
    [Block("bert")] public partial BertModel Bert { get; }
    [Linear("cls.predictions.transform.dense", "hidden_size", "hidden_size", Role = ParameterRole.DenseHead)] public partial Linear TransformDense { get; }
    [LayerNorm("cls.predictions.transform.LayerNorm", "hidden_size", "layer_norm_eps", Role = ParameterRole.DenseHead)] public partial LayerNorm TransformLayerNorm { get; }
    [Parameter("cls.predictions.bias", "vocab_size", Role = ParameterRole.DenseHead)] public partial Parameter Bias { get; }
    [Linear("cls.predictions.decoder", "hidden_size", "vocab_size", Role = ParameterRole.DenseHead,
        TieWeightTo = "bert.embeddings.word_embeddings.weight", TieBiasTo = "cls.predictions.bias")]
    public partial Linear Decoder { get; }

    public override ModelOutput forward(ModelBatch batch) =>
        MaskedLMHead.Forward(Bert, batch, hidden => Activations.Apply(Config.HiddenAct, TransformDense.forward(hidden)), TransformLayerNorm, Decoder);

    /// <inheritdoc cref="MaskedLMHead.Untie"/>
    public void UntieDecoder(bool freeze) => MaskedLMHead.Untie(Decoder, freeze);

    public string DecoderWeightName => "cls.predictions.decoder.weight";
    public string WordEmbeddingsName => "bert.embeddings.word_embeddings.weight";
    public bool DecoderIsTied => ParameterTable.SharesStorage(Decoder.weight!, Bert.Embeddings.WordEmbeddings.weight!);

    public ModelHead Head => ModelHead.MaskedLM;
    public nn.Module Module => this;
    public BertModel Encoder => Bert;
    public string BasePrefix => "bert";
    public ModelOutput Forward(ModelBatch batch) => forward(batch);
}
