using DslSft.Generators.Common;
namespace DslSft.Generators.Models
{
    /// <summary>A [ModelConfig] class as plain data: what the config.json binder needs.</summary>
    internal sealed record ConfigToGenerate
    {
        public ConfigToGenerate(string @namespace, string className, bool baseIsConfig, bool hasParameterlessConstructor, EquatableArray<ConfigKeyToBind> keys)
        {
            Namespace = @namespace; ClassName = className; BaseIsConfig = baseIsConfig; HasParameterlessConstructor = hasParameterlessConstructor; Keys = keys;
        }

        public string Namespace { get; }
        public string ClassName { get; }
        public bool BaseIsConfig { get; }
        public bool HasParameterlessConstructor { get; }
        public EquatableArray<ConfigKeyToBind> Keys { get; }
    }

    /// <summary>One [ConfigKey] property declared on the class itself (inherited keys are bound by the base's constructor).</summary>
    /// <param name="ValueType">C# keyword of the value type: int, long, float, double, bool or string.</param>
    /// <param name="Min">Lower bound for numbers, NaN when there is none.</param>
    internal sealed record ConfigKeyToBind
    {
        public ConfigKeyToBind(string key, string propertyName, string valueType, bool isRequired, double min, string? countOf)
        {
            Key = key; PropertyName = propertyName; ValueType = valueType; IsRequired = isRequired; Min = min; CountOf = countOf;
        }

        public string Key { get; }
        public string PropertyName { get; }
        public string ValueType { get; }
        public bool IsRequired { get; }
        public double Min { get; }
        public string? CountOf { get; }
    }

    /// <summary>Result of extracting one [ModelConfig] class: the model (null when it cannot be generated) and its diagnostics.</summary>
    internal sealed record ConfigExtraction
    {
        public ConfigExtraction(ConfigToGenerate? config, EquatableArray<DiagnosticInfo> diagnostics)
        {
            Config = config; Diagnostics = diagnostics;
        }

        public ConfigToGenerate? Config { get; }
        public EquatableArray<DiagnosticInfo> Diagnostics { get; }
    }
}
