using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using DslSft.Generators.Common;

// Release tracking (RS2008) needs AnalyzerReleases.*.md files registered in the shared generator project; the IDs are
// documented and stable here instead.
#pragma warning disable RS2008

namespace DslSft.Generators.Models
{
    /// <summary>Every diagnostic of the architecture DSL, with stable IDs (DSM = DslSft Models).</summary>
    internal static class ModelDiagnostics
    {
        private const string Category = "DslSft.Models";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NotPartial = Error("DSM001",
            "Declaration must be partial", "'{0}' must be a top-level partial class (properties: partial) so the architecture DSL can generate its members");

        public static readonly DiagnosticDescriptor NotAModule = Error("DSM002",
            "Model must be a TorchSharp module", "[Model] class '{0}' must derive from TorchSharp.torch.nn.Module (for example Module<Tensor, Tensor>)");

        public static readonly DiagnosticDescriptor NotAConfig = Error("DSM003",
            "Configuration type is not a [ModelConfig] class", "[Model] class '{0}' names configuration type '{1}', which has no [ModelConfig] attribute");

        public static readonly DiagnosticDescriptor UnknownConfigKey = Error("DSM004",
            "Unknown configuration key", "'{0}' in '{1}' is not a config key of '{2}' (known keys: {3})");

        public static readonly DiagnosticDescriptor InvalidDimension = Error("DSM005",
            "Invalid dimension expression", "'{0}' is not a valid dimension: use config keys and integers joined by '+' or '*' (and ',' between dimensions of a shape)");

        public static readonly DiagnosticDescriptor InvalidMemberProperty = Error("DSM006",
            "Member must be a partial get-only property", "'{0}' must be an instance 'partial' property with only a getter, declared without a body");

        public static readonly DiagnosticDescriptor WrongMemberType = Error("DSM007",
            "Property type does not match the declaration", "[{0}] on '{1}' requires the property type {2}, not {3}");

        public static readonly DiagnosticDescriptor DuplicateName = Error("DSM008",
            "Duplicate HF name", "HF name '{0}' of '{1}' is already used by '{2}'");

        public static readonly DiagnosticDescriptor TieTargetMissing = Error("DSM009",
            "Tie to a missing parameter", "'{0}' ties to '{1}', but '{2}' declares no such parameter");

        public static readonly DiagnosticDescriptor RepeatedPath = Error("DSM010",
            "Repeated path must end in {i}", "[Repeated] path '{0}' must end in the index segment '{{i}}' (for example \"encoder.layer.{{i}}\"), and '{{i}}' may appear nowhere else");

        public static readonly DiagnosticDescriptor UnknownPlaceholder = Error("DSM011",
            "Unknown path placeholder", "Path segment '{{{0}}}' in '{1}' must name a string property of configuration '{2}'");

        public static readonly DiagnosticDescriptor BlockNotAModel = Error("DSM012",
            "Block type is not a [Model] class", "'{0}' is declared as a block, but its type '{1}' has no [Model] attribute");

        public static readonly DiagnosticDescriptor BlockConfigMismatch = Error("DSM013",
            "Block needs another configuration", "Block '{0}' of type '{1}' needs configuration '{2}', which '{3}' (the configuration of '{4}') does not derive from");

        public static readonly DiagnosticDescriptor UnsupportedConfigType = Error("DSM014",
            "Unsupported configuration property type", "[ConfigKey] property '{0}' has type {1}; supported are int, long, float, double, bool, string and their nullable forms");

        public static readonly DiagnosticDescriptor ConfigNotSettable = Error("DSM015",
            "Configuration property is not settable", "[ConfigKey] property '{0}' needs an init or set accessor");

        public static readonly DiagnosticDescriptor DuplicateConfigKey = Error("DSM016",
            "Duplicate configuration key", "Config key '{0}' is bound by both '{1}' and '{2}'");

        public static readonly DiagnosticDescriptor RoleOnBlock = Error("DSM017",
            "Role on a block", "Role cannot be set on block '{0}'; set it on the members of '{1}'");

        public static readonly DiagnosticDescriptor InvalidPath = Error("DSM018",
            "Invalid HF name", "'{0}' is not a valid HF name: use dot-separated segments of letters, digits and '_' (or a {{Placeholder}})");

        public static readonly DiagnosticDescriptor CountOfNotInteger = Error("DSM019",
            "CountOf needs an integer property", "[ConfigKey] '{0}' uses CountOf, which needs an int or long property");

        public static readonly DiagnosticDescriptor TieNotAllowed = Error("DSM020",
            "Tie into a repeated block", "'{0}' ties to '{1}', which lies inside a [Repeated] block; tie to a parameter outside repeated blocks");

        private static readonly Dictionary<string, DiagnosticDescriptor> All = new[]
        {
            NotPartial, NotAModule, NotAConfig, UnknownConfigKey, InvalidDimension, InvalidMemberProperty, WrongMemberType,
            DuplicateName, TieTargetMissing, RepeatedPath, UnknownPlaceholder, BlockNotAModel, BlockConfigMismatch,
            UnsupportedConfigType, ConfigNotSettable, DuplicateConfigKey, RoleOnBlock, InvalidPath, CountOfNotInteger, TieNotAllowed,
        }.ToDictionary(d => d.Id);

        public static DiagnosticDescriptor ById(string id) => All[id];

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
            DiagnosticInfo.Create(descriptor, location, arguments);
    }
}
