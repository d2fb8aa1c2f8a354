using DslSft.Dsl.Models;

namespace DslSft.Models.Transformer;

/// <summary>
/// The config.json of a BERT-family encoder (BERT, mBERT, MiniLM, RoBERTa, XLM-R) and of the heads on top of it.
/// The binder (<c>FromJsonFile</c>) is generated from the [ConfigKey] attributes; defaults are HF's.
/// </summary>
[ModelConfig]
public partial class TransformerConfig
{
    [ConfigKey("model_type")] public string ModelType { get; set; } = "bert";
    [ConfigKey("vocab_size", Min = 1)] public int VocabSize { get; set; }
    [ConfigKey("hidden_size", Min = 1)] public int HiddenSize { get; set; }
    [ConfigKey("num_hidden_layers", Min = 0)] public int NumHiddenLayers { get; set; }
    [ConfigKey("num_attention_heads", Min = 1)] public int NumAttentionHeads { get; set; }
    [ConfigKey("intermediate_size", Min = 1)] public int IntermediateSize { get; set; }
    [ConfigKey("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [ConfigKey("hidden_dropout_prob", Min = 0)] public double HiddenDropoutProb { get; set; } = 0.1;
    [ConfigKey("attention_probs_dropout_prob", Min = 0)] public double AttentionProbsDropoutProb { get; set; } = 0.1;
    [ConfigKey("max_position_embeddings", Min = 1)] public int MaxPositionEmbeddings { get; set; } = 512;
    [ConfigKey("type_vocab_size", Min = 1)] public int TypeVocabSize { get; set; } = 2;
    [ConfigKey("layer_norm_eps", Min = 0)] public double LayerNormEps { get; set; } = 1e-12;
    [ConfigKey("pad_token_id", Min = 0)] public int PadTokenId { get; set; } = 0;
    [ConfigKey("position_embedding_type")] public string PositionEmbeddingType { get; set; } = "absolute";
    [ConfigKey("classifier_dropout", Min = 0)] public double? ClassifierDropout { get; set; }

    /// <summary>Labels of a token or sequence classifier; HF writes only <c>id2label</c>, so its size counts.</summary>
    [ConfigKey("num_labels", Min = 1, CountOf = "id2label")] public int NumLabels { get; set; } = 2;

    /// <summary>Width of the biaffine parser's arc MLPs (not an HF key; DslSft's parser head).</summary>
    [ConfigKey("parser_arc_mlp_size", Min = 1)] public int ParserArcMlpSize { get; set; } = 256;

    /// <summary>Width of the biaffine parser's relation MLPs.</summary>
    [ConfigKey("parser_rel_mlp_size", Min = 1)] public int ParserRelMlpSize { get; set; } = 128;

    /// <summary>Number of dependency relations the parser labels arcs with.</summary>
    [ConfigKey("parser_num_relations", Min = 1)] public int ParserNumRelations { get; set; } = 37;

    /// <summary>Dropout on the parser's MLP outputs.</summary>
    [ConfigKey("parser_dropout", Min = 0)] public double ParserDropout { get; set; } = 0.33;

    /// <summary>RoBERTa-style models count positions from <c>pad_token_id + 1</c> and give pads <c>pad_token_id</c>.</summary>
    public bool UsesRobertaPositions => ModelType is "roberta" or "xlm-roberta" or "camembert";

    /// <summary>The HF attribute name of the encoder inside a head model: <c>roberta</c> for RoBERTa-style models, else <c>bert</c>.</summary>
    public string BaseModelPrefix => UsesRobertaPositions ? "roberta" : "bert";

    /// <summary>Dropout before a classifier: <c>classifier_dropout</c> when set, else <c>hidden_dropout_prob</c> (as HF).</summary>
    public double EffectiveClassifierDropout => ClassifierDropout ?? HiddenDropoutProb;

    public int AttentionHeadSize => HiddenSize / NumAttentionHeads;

    partial void Validate(Models.ConfigJsonReader json)
    {
        if (NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads != 0)
            json.Error("hidden_size", $"{HiddenSize} is not a multiple of num_attention_heads ({NumAttentionHeads})");
        if (!Activations.IsSupported(HiddenAct))
            json.Error("hidden_act", $"'{HiddenAct}' is not supported (supported: {string.Join(", ", Activations.Supported)})");
        if (PositionEmbeddingType != "absolute")
            json.Error("position_embedding_type", $"'{PositionEmbeddingType}' is not supported (only \"absolute\")");
        if (UsesRobertaPositions && PadTokenId + 1 >= MaxPositionEmbeddings)
            json.Error("max_position_embeddings", $"{MaxPositionEmbeddings} leaves no room for RoBERTa positions after pad_token_id {PadTokenId}");
        CheckPlausibleSize(json);
    }

    /// <summary>The largest size any one dimension may have: 2^24, some 60 times the largest real vocabulary.</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>The most layers accepted (the deepest published encoders have 48).</summary>
    public const int MaxLayers = 1024;

    /// <summary>The most parameters a model may have: 20 billion (80 GB of float32), twice the largest published encoder.</summary>
    public const double MaxParameters = 20e9;

    /// <summary>
    /// A corrupt or hand-edited config.json (a vocab_size of 2^31 − 1) would otherwise ask for terabytes; it is refused here,
    /// before anything is allocated.
    /// </summary>
    private void CheckPlausibleSize(Models.ConfigJsonReader json)
    {
        foreach (var (key, value) in new (string, int)[]
                 {
                     ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
                     ("num_attention_heads", NumAttentionHeads), ("max_position_embeddings", MaxPositionEmbeddings),
                     ("type_vocab_size", TypeVocabSize), ("num_labels", NumLabels), ("parser_arc_mlp_size", ParserArcMlpSize),
                     ("parser_rel_mlp_size", ParserRelMlpSize), ("parser_num_relations", ParserNumRelations),
                 })
            if (value > MaxDimension) json.Error(key, $"{value} is implausibly large (at most {MaxDimension}); is config.json corrupt?");
        if (NumHiddenLayers > MaxLayers) json.Error("num_hidden_layers", $"{NumHiddenLayers} is implausibly large (at most {MaxLayers}); is config.json corrupt?");
        double h = HiddenSize;
        double parameters = ((double)VocabSize + MaxPositionEmbeddings + TypeVocabSize) * h
                            + NumHiddenLayers * (4 * h * h + 2 * h * IntermediateSize);
        if (parameters > MaxParameters)
            json.Error("hidden_size", $"the model would have about {parameters:0.##e0} parameters (at most {MaxParameters:0e0} are accepted); is config.json corrupt?");
    }
}
