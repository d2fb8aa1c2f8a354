namespace DslSft.Dsl.Models;

/// <summary>
/// A sub-block: a <c>partial</c> property whose type is another <see cref="ModelAttribute"/> class taking the same
/// (or a base) configuration. Its members are registered under <c>Path</c> + "." + their own names.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class BlockAttribute : ModelMemberAttribute
{
    public BlockAttribute(string path) : base(path)
    {
    }
}
