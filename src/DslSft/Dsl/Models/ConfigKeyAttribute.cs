namespace DslSft.Dsl.Models;

/// <summary>
/// Binds a configuration property to a key of <c>config.json</c> (for example <c>"hidden_size"</c>).
/// Supported property types: <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c>, <c>bool</c>, <c>string</c>
/// and their nullable forms (a JSON <c>null</c> then means "not set"). The property needs an <c>init</c> or <c>set</c> accessor.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ConfigKeyAttribute : Attribute
{
    public ConfigKeyAttribute(string key) => Key = key;

    /// <summary>The JSON key in config.json.</summary>
    public string Key { get; }

    /// <summary>Smallest accepted value for numeric keys (checked by the binder); NaN means no bound.</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>
    /// When the key itself is absent, take the number of entries of this JSON object or array instead.
    /// HF writes <c>id2label</c> but not <c>num_labels</c>, so <c>num_labels</c> uses <c>CountOf = "id2label"</c>.
    /// </summary>
    public string? CountOf { get; set; }
}
