namespace DslSft.Models;

/// <summary>
/// One row of a model's declared parameter table, as generated from the DSL: the HF name, the shape computed
/// from the configuration, the declared role, what kind of tensor it is, and the HF name of the parameter
/// it is tied to (it then shares that parameter's storage while the tie holds).
/// </summary>
public sealed record ParameterSpec(string Name, long[] Shape, ParameterRole Role, ParameterKind Kind, string? TiedTo)
{
    /// <summary>Number of elements.</summary>
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);

    public override string ToString() =>
        $"{Name} [{string.Join(", ", Shape)}] {Role} {Kind}" + (TiedTo is null ? "" : $" tied to {TiedTo}");
}

/// <summary>What a parameter is, so policies such as composable-sft's freeze_layer_norm can be applied by kind.</summary>
public enum ParameterKind
{
    LinearWeight,
    LinearBias,
    Embedding,
    LayerNormWeight,
    LayerNormBias,
    /// <summary>A free tensor declared with <see cref="Dsl.Models.ParameterAttribute"/>.</summary>
    Parameter,
}
