namespace DslSft.Models;

/// <summary>What sparse fine-tuning does with a parameter. Declared per parameter in the architecture DSL.</summary>
public enum ParameterRole
{
    /// <summary>Encoder-body parameter: fine-tuned densely in the full phase, then only on its K selected entries; stored as a sparse diff.</summary>
    Maskable = 0,
    /// <summary>Task/LM head parameter: trained densely in both phases and stored whole ("abs") in an SFT.</summary>
    DenseHead = 1,
    /// <summary>Never trained (for example LayerNorm with freeze_layer_norm, or a frozen MLM decoder).</summary>
    Frozen = 2,
    /// <summary>Shares storage with another parameter (the MLM decoder with the word embeddings); not a separate entry.</summary>
    Tied = 3,
}
