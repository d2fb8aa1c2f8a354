using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DslSft.Generators.Common;

namespace DslSft.Generators.Kernels
{
    /// <summary>Turns one [ElementwiseKernel] method (symbols + syntax) into a plain <see cref="KernelRule"/>, or diagnostics.</summary>
    internal static class KernelExtractor
    {
        private static readonly Regex KernelNamePattern = new Regex("^[a-z][a-z0-9_]*$");

        public static KernelExtraction Extract(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            var attribute = context.Attributes[0];
            var attributeLocation = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation());

            var kernelName = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
            if (kernelName is null || !KernelNamePattern.IsMatch(kernelName))
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.InvalidKernelName, attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation(), kernelName ?? "(null)"));

            var type = method.ContainingType;
            bool isPartial = type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellation) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!isPartial || type.ContainingType != null || type.IsGenericType || type.TypeKind != TypeKind.Class)
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.ClassNotPartial, syntax.Identifier.GetLocation(), method.Name));

            if (!method.IsStatic || !method.ReturnsVoid || method.IsGenericMethod)
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.InvalidMethodShape, syntax.Identifier.GetLocation(), method.Name));

            var parameters = new List<KernelParameter>();
            foreach (var parameter in method.Parameters)
            {
                var parameterSyntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation);
                var location = parameterSyntax?.GetLocation() ?? syntax.Identifier.GetLocation();
                var extracted = ExtractParameter(parameter, location, diagnostics);
                if (extracted != null) parameters.Add(extracted);
            }
            if (parameters.Count == method.Parameters.Length && !parameters.Any(p => p.Role == ElementRole.Indexed))
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.NoIndexedParameter, syntax.Identifier.GetLocation(), method.Name));

            var body = new BodyTranslator(context.SemanticModel, method, diagnostics, cancellation).TranslateBody(syntax);

            if (diagnostics.Count > 0)
                return new KernelExtraction(null, diagnostics.ToEquatableArray(), attributeLocation);

            var rule = new KernelRule(
                Namespace: type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                ClassName: type.Name,
                IsStaticClass: type.IsStatic,
                MethodName: method.Name,
                KernelName: kernelName!,
                Summary: Summary(syntax),
                SourceFileName: Path.GetFileName(syntax.SyntaxTree.FilePath),
                Parameters: parameters.ToEquatableArray(),
                Body: body);
            return new KernelExtraction(rule, EquatableArray<DiagnosticInfo>.Empty, attributeLocation);
        }

        private static KernelParameter? ExtractParameter(IParameterSymbol parameter, Location location, List<DiagnosticInfo> diagnostics)
        {
            var roles = new List<ElementRole>();
            foreach (var attribute in parameter.GetAttributes())
            {
                switch (attribute.AttributeClass?.ToDisplayString())
                {
                    case KernelAttributeNames.Indexed: roles.Add(ElementRole.Indexed); break;
                    case KernelAttributeNames.Compact: roles.Add(ElementRole.Compact); break;
                    case KernelAttributeNames.Scalar: roles.Add(ElementRole.Scalar); break;
                }
            }
            if (roles.Count != 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.MissingParameterRole, location, parameter.Name));
                return null;
            }
            var role = roles[0];
            var type = KernelTypeOf(parameter.Type);
            bool typeOk = role == ElementRole.Scalar ? type != null : type == KernelType.Float;
            if (!typeOk)
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.UnsupportedParameterType, location, parameter.Name, parameter.Type.ToDisplayString()));
                return null;
            }
            switch (parameter.RefKind)
            {
                case RefKind.None: break;
                case RefKind.Ref when role != ElementRole.Scalar: break;
                case RefKind.Ref:
                    diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.UnsupportedParameterModifier, location, parameter.Name, "a [Scalar] is uniform and cannot be 'ref'"));
                    return null;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.UnsupportedParameterModifier, location, parameter.Name,
                        "'" + parameter.RefKind.ToString().ToLowerInvariant() + "' is not supported; use 'ref' to read and write an element, nothing to read it"));
                    return null;
            }
            if (parameter.IsParams || parameter.HasExplicitDefaultValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.UnsupportedParameterModifier, location, parameter.Name, "params and default values are not supported"));
                return null;
            }
            if (ReservedNames.IsReserved(parameter.Name, isParameter: true))
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.ReservedIdentifier, location, parameter.Name));
                return null;
            }
            return new KernelParameter(parameter.Name, role, type!.Value, parameter.RefKind == RefKind.Ref);
        }

        public static ElementRole? RoleOf(IParameterSymbol parameter)
        {
            foreach (var attribute in parameter.GetAttributes())
            {
                switch (attribute.AttributeClass?.ToDisplayString())
                {
                    case KernelAttributeNames.Indexed: return ElementRole.Indexed;
                    case KernelAttributeNames.Compact: return ElementRole.Compact;
                    case KernelAttributeNames.Scalar: return ElementRole.Scalar;
                }
            }
            return null;
        }

        public static KernelType? KernelTypeOf(ITypeSymbol? type)
        {
            switch (type?.SpecialType)
            {
                case SpecialType.System_Single: return KernelType.Float;
                case SpecialType.System_Double: return KernelType.Double;
                case SpecialType.System_Int32: return KernelType.Int;
                case SpecialType.System_Int64: return KernelType.Long;
                case SpecialType.System_Boolean: return KernelType.Bool;
                default: return null;
            }
        }

        /// <summary>The text of the method's /// &lt;summary&gt;, whitespace collapsed (works whether or not doc comments are parsed).</summary>
        private static string Summary(MethodDeclarationSyntax syntax)
        {
            var text = new StringBuilder();
            foreach (var trivia in syntax.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && trivia.ToString().StartsWith("///")))
                    text.Append(trivia.ToFullString()).Append('\n');
            }
            var all = Regex.Replace(text.ToString(), @"^\s*///", "", RegexOptions.Multiline);
            var match = Regex.Match(all, @"<summary>(.*?)</summary>", RegexOptions.Singleline);
            var summary = match.Success ? match.Groups[1].Value : "";
            summary = Regex.Replace(summary, @"<(see|paramref|typeparamref)\s+\w+=""([^""]*)""\s*/>", "$2");
            summary = Regex.Replace(summary, @"<[^>]+>", "");
            return Regex.Replace(summary, @"\s+", " ").Trim();
        }
    }
}
