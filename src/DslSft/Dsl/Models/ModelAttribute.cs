namespace DslSft.Dsl.Models;

/// <summary>
/// Marks a <c>partial</c> TorchSharp module class as a model (or a block of one) whose members are declared with
/// <see cref="LinearAttribute"/>, <see cref="EmbeddingAttribute"/>, <see cref="LayerNormAttribute"/>,
/// <see cref="ParameterAttribute"/>, <see cref="BlockAttribute"/> and <see cref="RepeatedAttribute"/> on
/// <c>partial</c> properties. The generator writes the constructor <c>(TConfig config)</c> that builds and registers
/// every member under its HF name, the parameter table (<c>DescribeParameters</c>) and the name-to-tensor view
/// (<c>HfParameters</c>). The forward pass stays hand-written. A hand-written <c>partial void OnCreated()</c>
/// runs at the end of the generated constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    public ModelAttribute(Type configType) => ConfigType = configType;

    /// <summary>The <see cref="ModelConfigAttribute"/> class whose keys the shapes refer to.</summary>
    public Type ConfigType { get; }
}
