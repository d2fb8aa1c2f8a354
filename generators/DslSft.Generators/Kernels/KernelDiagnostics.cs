using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// Every diagnostic of the kernel DSL, with its stable ID. A rule that raises any of them generates
    /// no code at all: a construct the DSL cannot translate is never silently dropped or miscompiled.
    /// </summary>
    internal static class KernelDiagnostics
    {
        private const string Category = "DslSft.Kernels";

        public static readonly DiagnosticDescriptor ClassNotPartial = Error("DSK001",
            "Kernel rule must be in a top-level partial class",
            "Kernel rule '{0}' must be declared in a non-generic, non-nested partial class (the generator adds the entry points to it)");

        public static readonly DiagnosticDescriptor InvalidMethodShape = Error("DSK002",
            "Kernel rule must be a static void non-generic method",
            "Kernel rule '{0}' must be a static, non-generic method returning void");

        public static readonly DiagnosticDescriptor UnsupportedParameterType = Error("DSK003",
            "Unsupported kernel parameter type",
            "Parameter '{0}' has type '{1}'; tensor elements ([Indexed]/[Compact]) must be float, scalars ([Scalar]) float, double, int, long or bool");

        public static readonly DiagnosticDescriptor MissingParameterRole = Error("DSK004",
            "Kernel parameter needs exactly one role attribute",
            "Parameter '{0}' must carry exactly one of [Indexed], [Compact] or [Scalar]");

        public static readonly DiagnosticDescriptor UnsupportedParameterModifier = Error("DSK005",
            "Unsupported kernel parameter modifier",
            "Parameter '{0}': {1}");

        public static readonly DiagnosticDescriptor UnsupportedStatement = Error("DSK006",
            "Unsupported statement in kernel rule",
            "'{0}' is not supported in a kernel rule (allowed: local declarations, assignments, if/else, blocks, return;)");

        public static readonly DiagnosticDescriptor UnsupportedExpression = Error("DSK007",
            "Unsupported expression in kernel rule",
            "{0} is not supported in a kernel rule (allowed: parameters, locals, literals, constants, arithmetic, comparisons, logical operators, ?:, casts and Math/MathF functions)");

        public static readonly DiagnosticDescriptor UnsupportedType = Error("DSK008",
            "Unsupported type in kernel rule",
            "Type '{0}' is not supported in a kernel rule (allowed: float, double, int, long, bool)");

        public static readonly DiagnosticDescriptor UnsupportedMathFunction = Error("DSK009",
            "Unsupported math function in kernel rule",
            "'{0}' is not a supported kernel function (supported: {1})");

        public static readonly DiagnosticDescriptor WriteToReadOnly = Error("DSK010",
            "Kernel rule writes a read-only value",
            "'{0}' is read-only in a kernel rule ({1})");

        public static readonly DiagnosticDescriptor NoIndexedParameter = Error("DSK011",
            "Kernel rule needs an [Indexed] parameter",
            "Kernel rule '{0}' has no [Indexed] parameter; the sparse forms need at least one large tensor to index");

        public static readonly DiagnosticDescriptor InvalidKernelName = Error("DSK012",
            "Invalid kernel name",
            "Kernel name '{0}' must be lower_snake_case ([a-z][a-z0-9_]*), it becomes part of C function and file names");

        public static readonly DiagnosticDescriptor DuplicateKernelName = Error("DSK013",
            "Duplicate kernel name",
            "Kernel name '{0}' is used by more than one rule in this compilation");

        public static readonly DiagnosticDescriptor ReservedIdentifier = Error("DSK014",
            "Identifier is reserved in the generated code",
            "'{0}' cannot be used as a name in a kernel rule: it is reserved in C++/CUDA or by the generated code");

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static DiagnosticDescriptor ById(string id)
        {
            switch (id)
            {
                case "DSK001": return ClassNotPartial;
                case "DSK002": return InvalidMethodShape;
                case "DSK003": return UnsupportedParameterType;
                case "DSK004": return MissingParameterRole;
                case "DSK005": return UnsupportedParameterModifier;
                case "DSK006": return UnsupportedStatement;
                case "DSK007": return UnsupportedExpression;
                case "DSK008": return UnsupportedType;
                case "DSK009": return UnsupportedMathFunction;
                case "DSK010": return WriteToReadOnly;
                case "DSK011": return NoIndexedParameter;
                case "DSK012": return InvalidKernelName;
                case "DSK013": return DuplicateKernelName;
                case "DSK014": return ReservedIdentifier;
                default: throw new System.ArgumentException("unknown diagnostic " + id);
            }
        }
    }
}
