using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DslSft.Generators.Common;

namespace DslSft.Generators.Models
{
    /// <summary>Turns a [ModelConfig] class symbol into a <see cref="ConfigToGenerate"/> (Roslyn symbols → plain data).</summary>
    internal static class ConfigExtractor
    {
        public static ConfigExtraction Extract(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (ClassDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || type.ContainingType is not null)
            {
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.NotPartial, syntax.Identifier.GetLocation(), type.Name));
                return new ConfigExtraction(null, diagnostics.ToEquatableArray());
            }

            var inherited = new Dictionary<string, string>();
            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
                foreach (var (key, property) in OwnKeys(baseType))
                    if (!inherited.ContainsKey(key)) inherited[key] = $"{baseType.Name}.{property.Name}";

            var keys = new List<ConfigKeyToBind>();
            var seen = new Dictionary<string, string>();
            foreach (var (key, property) in OwnKeys(type))
            {
                cancellation.ThrowIfCancellationRequested();
                var location = property.Locations.FirstOrDefault();
                if (inherited.TryGetValue(key, out var other) || seen.TryGetValue(key, out other))
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.DuplicateConfigKey, location, key, other, $"{type.Name}.{property.Name}"));
                    continue;
                }
                seen[key] = $"{type.Name}.{property.Name}";
                var (valueType, nullable) = ValueTypeOf(property.Type);
                if (valueType is null)
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.UnsupportedConfigType, location, property.Name, property.Type.ToDisplayString()));
                    continue;
                }
                if (property.SetMethod is null)
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.ConfigNotSettable, location, property.Name));
                    continue;
                }
                var attribute = property.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == ModelAttributeNames.ConfigKey);
                var min = double.NaN;
                string? countOf = null;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Min" && named.Value.Value is double m) min = m;
                    if (named.Key == "CountOf") countOf = named.Value.Value as string;
                }
                if (countOf is not null && valueType != "int" && valueType != "long")
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.CountOfNotInteger, location, key));
                    continue;
                }
                var required = !nullable && !HasInitializer(property, cancellation);
                keys.Add(new ConfigKeyToBind(key, property.Name, valueType, required, min, countOf));
            }

            var baseIsConfig = type.BaseType is { } b && HasAttribute(b, ModelAttributeNames.ModelConfig);
            var hasParameterless = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && c.Parameters.Length == 0);
            var config = new ConfigToGenerate(
                type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                type.Name, baseIsConfig, hasParameterless, keys.ToEquatableArray());
            return new ConfigExtraction(config, diagnostics.ToEquatableArray());
        }

        /// <summary>The [ConfigKey] properties declared on <paramref name="type"/> itself, in declaration order.</summary>
        public static IEnumerable<(string Key, IPropertySymbol Property)> OwnKeys(INamedTypeSymbol type)
        {
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
            {
                var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ModelAttributeNames.ConfigKey);
                if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string key)
                    yield return (key, property);
            }
        }

        /// <summary>Every config key bound by <paramref name="type"/> and its bases: key → (property name, value type keyword).</summary>
        public static Dictionary<string, (string Property, string? ValueType)> AllKeys(INamedTypeSymbol type)
        {
            var result = new Dictionary<string, (string, string?)>();
            for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                foreach (var (key, property) in OwnKeys(t))
                    if (!result.ContainsKey(key)) result[key] = (property.Name, ValueTypeOf(property.Type).ValueType);
            return result;
        }

        public static (string? ValueType, bool Nullable) ValueTypeOf(ITypeSymbol type)
        {
            var nullable = false;
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n)
            {
                type = n.TypeArguments[0];
                nullable = true;
            }
            else if (type.NullableAnnotation == NullableAnnotation.Annotated) nullable = true;
            var keyword = type.SpecialType switch
            {
                SpecialType.System_Int32 => "int",
                SpecialType.System_Int64 => "long",
                SpecialType.System_Single => "float",
                SpecialType.System_Double => "double",
                SpecialType.System_Boolean => "bool",
                SpecialType.System_String => "string",
                _ => null,
            };
            return (keyword, nullable);
        }

        public static bool HasAttribute(ISymbol symbol, string metadataName) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == metadataName);

        private static bool HasInitializer(IPropertySymbol property, CancellationToken cancellation) =>
            property.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellation))
                .OfType<PropertyDeclarationSyntax>()
                .Any(p => p.Initializer is not null);
    }
}
