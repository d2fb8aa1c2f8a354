namespace DslSft.Dsl.Models;

/// <summary>
/// A block repeated N times, N read from the configuration: a <c>partial ModuleList&lt;TBlock&gt;</c> property.
/// The path ends in <c>{i}</c>, the block index, e.g. <c>"encoder.layer.{i}"</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RepeatedAttribute : ModelMemberAttribute
{
    public RepeatedAttribute(string path, string count) : base(path) => Count = count;

    /// <summary>Config key (or expression) giving the number of blocks, e.g. <c>"num_hidden_layers"</c>.</summary>
    public string Count { get; }
}
