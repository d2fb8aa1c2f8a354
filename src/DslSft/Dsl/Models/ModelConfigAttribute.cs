namespace DslSft.Dsl.Models;

/// <summary>
/// Marks a <c>partial</c> class as a model configuration bound to the keys of an HF <c>config.json</c>.
/// Every property carrying <see cref="ConfigKeyAttribute"/> is read by the generated
/// <c>FromJsonFile(path)</c> / <c>FromJson(element, source)</c>; a property without an initializer is
/// required, one with an initializer keeps it as the default when the key is absent.
/// Keys of base configuration classes are bound too, so a head's configuration can extend the encoder's.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelConfigAttribute : Attribute
{
}
