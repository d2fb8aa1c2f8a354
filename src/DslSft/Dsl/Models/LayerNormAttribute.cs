namespace DslSft.Dsl.Models;

/// <summary>A <c>LayerNorm</c> over the last dimension (<c>weight</c>, <c>bias</c> of shape <c>[Size]</c>) on a <c>partial LayerNorm</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LayerNormAttribute : ModelMemberAttribute
{
    public LayerNormAttribute(string path, string size, string eps) : base(path)
    {
        Size = size;
        Eps = eps;
    }

    /// <summary>Normalised size (a config key or dimension expression).</summary>
    public string Size { get; }

    /// <summary>The config key holding epsilon (<c>"layer_norm_eps"</c>), or a numeric literal.</summary>
    public string Eps { get; }
}
