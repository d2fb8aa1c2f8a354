using DslSft.Models;

namespace DslSft.Dsl.Models;

/// <summary>
/// Common part of every model member declaration: the HF name (path) relative to the declaring model and the role
/// its parameters play in sparse fine-tuning.
/// </summary>
/// <remarks>
/// A path is dot-separated, e.g. <c>"attention.self.query"</c>; intermediate scopes are created as empty modules so
/// the registered names are exactly the HF ones. A segment <c>{Name}</c> is replaced by the string property
/// <c>Name</c> of the configuration (for example <c>{BaseModelPrefix}</c> → <c>bert</c> or <c>roberta</c>).
/// Dimensions (<c>In</c>, <c>Out</c>, <c>Shape</c>, ...) are config keys, integer literals, or sums and products of
/// them (<c>"hidden_size*2"</c>, <c>"arc_mlp_size+1"</c>); a shape lists dimensions separated by commas.
/// </remarks>
public abstract class ModelMemberAttribute : Attribute
{
    protected ModelMemberAttribute(string path) => Path = path;

    /// <summary>HF name relative to the declaring model, e.g. <c>"embeddings.word_embeddings"</c>.</summary>
    public string Path { get; }

    /// <summary>Role of the member's parameters. Maskable (the encoder body) unless stated.</summary>
    public ParameterRole Role { get; set; } = ParameterRole.Maskable;
}
