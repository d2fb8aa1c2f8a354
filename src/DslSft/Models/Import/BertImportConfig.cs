using System.Text.Json;
using System.Text.Json.Nodes;

namespace DslSft.Models.Import;

/// <summary>The BERT hyper-parameters recovered from an ONNX export, written as an HF <c>config.json</c>.</summary>
public sealed record BertImportConfig(
    int VocabSize, int HiddenSize, int NumHiddenLayers, int NumAttentionHeads, int IntermediateSize,
    int MaxPositionEmbeddings, int TypeVocabSize, string HiddenAct, double LayerNormEps, bool HasPooler)
{
    /// <summary>config.json as HF's <c>BertModel.save_pretrained</c> writes it (dropouts at BERT's defaults; they do not affect inference).</summary>
    public string ToConfigJson(int padTokenId)
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["attention_probs_dropout_prob"] = 0.1,
            ["hidden_act"] = HiddenAct,
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = IntermediateSize,
            ["layer_norm_eps"] = LayerNormEps,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["model_type"] = "bert",
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["pad_token_id"] = padTokenId,
            ["position_embedding_type"] = "absolute",
            ["type_vocab_size"] = TypeVocabSize,
            ["vocab_size"] = VocabSize,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
