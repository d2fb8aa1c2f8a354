namespace DslSft.Dsl.Models;

/// <summary>A <c>Linear</c> layer (<c>weight [Out, In]</c>, <c>bias [Out]</c>) on a <c>partial Linear</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LinearAttribute : ModelMemberAttribute
{
    public LinearAttribute(string path, string @in, string @out) : base(path)
    {
        In = @in;
        Out = @out;
    }

    /// <summary>Input features: a config key or dimension expression.</summary>
    public string In { get; }

    /// <summary>Output features: a config key or dimension expression.</summary>
    public string Out { get; }

    /// <summary>Whether the layer has a bias (true unless stated).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// Full HF name of a parameter (from the root model) whose storage the weight shares, e.g.
    /// <c>"bert.embeddings.word_embeddings.weight"</c> for the MLM decoder. The weight is then
    /// <see cref="DslSft.Models.ParameterRole.Tied"/> while the tie holds and takes <see cref="ModelMemberAttribute.Role"/> once untied.
    /// </summary>
    public string? TieWeightTo { get; set; }

    /// <summary>Full HF name of a parameter the bias shares storage with (the MLM decoder bias with <c>cls.predictions.bias</c>).</summary>
    public string? TieBiasTo { get; set; }
}
