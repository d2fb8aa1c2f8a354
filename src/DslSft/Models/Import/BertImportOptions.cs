namespace DslSft.Models.Import;

/// <summary>
/// What an ONNX export may not reveal unambiguously; each value, when given, overrides what the importer infers from
/// the graph (heads from the attention Reshape, epsilon from the LayerNorm, activation from Erf/Relu nodes).
/// </summary>
public sealed record BertImportOptions
{
    public int? NumAttentionHeads { get; init; }
    public double? LayerNormEps { get; init; }
    public string? HiddenAct { get; init; }

    /// <summary>Written to tokenizer_config.json: true for uncased vocabularies (all-MiniLM-L6-v2 is uncased).</summary>
    public bool DoLowerCase { get; init; } = true;

    /// <summary>tokenizer_config.json's <c>model_max_length</c>; defaults to the model's position count.</summary>
    public int? ModelMaxLength { get; init; }
}
