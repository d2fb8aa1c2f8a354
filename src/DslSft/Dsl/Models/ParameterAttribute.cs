namespace DslSft.Dsl.Models;

/// <summary>A free parameter tensor (for example the MLM output bias or a biaffine weight) on a <c>partial Parameter</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ParameterAttribute : ModelMemberAttribute
{
    public ParameterAttribute(string path, string shape) : base(path) => Shape = shape;

    /// <summary>Comma-separated dimensions, e.g. <c>"vocab_size"</c> or <c>"num_relations, arc_mlp_size+1, arc_mlp_size+1"</c>.</summary>
    public string Shape { get; }

    /// <summary>Initial value of every entry (0 unless stated; the weights are normally loaded from a checkpoint).</summary>
    public double Init { get; set; }
}
