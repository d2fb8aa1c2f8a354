using DslSft.Generators.Common;
namespace DslSft.Generators.Models
{
    /// <summary>A [Model] class as plain data: its configuration type and its declared members, with shapes already
    /// translated into C# expressions over the configuration and ties resolved into member-access chains.</summary>
    internal sealed record ModelToGenerate
    {
        public ModelToGenerate(string @namespace, string className, string configType, EquatableArray<MemberToGenerate> members)
        {
            Namespace = @namespace; ClassName = className; ConfigType = configType; Members = members;
        }

        public string Namespace { get; }
        public string ClassName { get; }
        public string ConfigType { get; }
        public EquatableArray<MemberToGenerate> Members { get; }
    }

    internal enum MemberKind
    {
        Linear,
        Embedding,
        LayerNorm,
        Parameter,
        Block,
        Repeated,
    }

    /// <summary>One declared member.</summary>
    /// <param name="Accessibility">C# accessibility keywords of the partial property as declared (e.g. "public").</param>
    /// <param name="PropertyType">Fully qualified property type.</param>
    /// <param name="Path">HF path segments relative to the declaring model; a placeholder segment keeps its braces ("{BaseModelPrefix}"); a repeated block's trailing "{i}" is dropped.</param>
    /// <param name="Dimensions">C# expressions: Linear (in, out), Embedding (count, dim), LayerNorm (size), Parameter (shape...), Repeated (count).</param>
    /// <param name="Eps">C# expression for a LayerNorm epsilon.</param>
    /// <param name="Role">ParameterRole member name.</param>
    /// <param name="BlockType">Fully qualified type of a block or of a repeated block's element.</param>
    /// <param name="TieWeight">Tie of a Linear weight (or a Parameter): relative HF name and C# access chain of the target.</param>
    internal sealed record MemberToGenerate
    {
        public MemberToGenerate(MemberKind kind, string propertyName, string accessibility, string propertyType, EquatableArray<string> path, EquatableArray<string> dimensions, string? eps, bool hasBias, string role, string? blockType, double init, TieToGenerate? tieWeight, TieToGenerate? tieBias)
        {
            Kind = kind; PropertyName = propertyName; Accessibility = accessibility; PropertyType = propertyType; Path = path; Dimensions = dimensions; Eps = eps; HasBias = hasBias; Role = role; BlockType = blockType; Init = init; TieWeight = tieWeight; TieBias = tieBias;
        }

        public MemberKind Kind { get; }
        public string PropertyName { get; }
        public string Accessibility { get; }
        public string PropertyType { get; }
        public EquatableArray<string> Path { get; }
        public EquatableArray<string> Dimensions { get; }
        public string? Eps { get; }
        public bool HasBias { get; }
        public string Role { get; }
        public string? BlockType { get; }
        public double Init { get; }
        public TieToGenerate? TieWeight { get; }
        public TieToGenerate? TieBias { get; }

        public MemberToGenerate WithTies(TieToGenerate? weight, TieToGenerate? bias) =>
            new(Kind, PropertyName, Accessibility, PropertyType, Path, Dimensions, Eps, HasBias, Role, BlockType, Init, weight, bias);
    }

    /// <summary>A resolved tie: the target's HF name relative to the declaring model (segments) and how to reach its tensor in C#.</summary>
    internal sealed record TieToGenerate
    {
        public TieToGenerate(EquatableArray<string> targetPath, string access)
        {
            TargetPath = targetPath; Access = access;
        }

        public EquatableArray<string> TargetPath { get; }
        public string Access { get; }
    }

    /// <summary>Result of extracting one [Model] class.</summary>
    internal sealed record ModelExtraction
    {
        public ModelExtraction(ModelToGenerate? model, EquatableArray<DiagnosticInfo> diagnostics)
        {
            Model = model; Diagnostics = diagnostics;
        }

        public ModelToGenerate? Model { get; }
        public EquatableArray<DiagnosticInfo> Diagnostics { get; }
    }
}
