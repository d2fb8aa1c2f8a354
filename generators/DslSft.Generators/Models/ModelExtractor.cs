using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DslSft.Generators.Common;

namespace DslSft.Generators.Models
{
    /// <summary>
    /// Turns a [Model] class symbol into a <see cref="ModelToGenerate"/>: reads the member attributes, checks them
    /// against the configuration type, translates shapes into C# and resolves ties (also into blocks declared in
    /// other classes or assemblies, read from their attributes). Everything symbol-related ends here.
    /// </summary>
    internal static class ModelExtractor
    {
        private static readonly string[] RoleNames = { "Maskable", "DenseHead", "Frozen", "Tied" };

        /// <summary>A member attribute read from a symbol, before any checks.</summary>
        private sealed class Declaration
        {
            public MemberKind Kind;
            public IPropertySymbol Property = null!;
            public AttributeData Attribute = null!;
            public string Path = "";
            public List<string> Segments = new();
            public bool HasBias = true;
            public INamedTypeSymbol? BlockType;
            public Location? Location;
        }

        public static ModelExtraction Extract(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (ClassDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || type.ContainingType is not null)
                return Fail(diagnostics, ModelDiagnostics.Create(ModelDiagnostics.NotPartial, syntax.Identifier.GetLocation(), type.Name));
            if (!DerivesFromModule(type))
                return Fail(diagnostics, ModelDiagnostics.Create(ModelDiagnostics.NotAModule, syntax.Identifier.GetLocation(), type.Name));

            var modelAttribute = context.Attributes[0];
            if (modelAttribute.ConstructorArguments.Length != 1 || modelAttribute.ConstructorArguments[0].Value is not INamedTypeSymbol configType)
                return Fail(diagnostics, ModelDiagnostics.Create(ModelDiagnostics.NotAConfig, syntax.Identifier.GetLocation(), type.Name, "?"));
            if (!ConfigExtractor.HasAttribute(configType, ModelAttributeNames.ModelConfig))
                return Fail(diagnostics, ModelDiagnostics.Create(ModelDiagnostics.NotAConfig, syntax.Identifier.GetLocation(), type.Name, configType.ToDisplayString()));

            var keys = ConfigExtractor.AllKeys(configType).ToDictionary(k => k.Key, k => k.Value.Property);
            var stringProperties = new HashSet<string>();
            for (INamedTypeSymbol? t = configType; t is not null; t = t.BaseType)
                foreach (var p in t.GetMembers().OfType<IPropertySymbol>())
                    if (p.Type.SpecialType == SpecialType.System_String && !p.IsStatic) stringProperties.Add(p.Name);

            var declarations = ReadDeclarations(type);
            var members = new List<MemberToGenerate>();
            var valid = new List<Declaration>();
            foreach (var declaration in declarations)
            {
                cancellation.ThrowIfCancellationRequested();
                var before = diagnostics.Count;
                CheckProperty(declaration, diagnostics);
                CheckPath(declaration, stringProperties, configType, diagnostics);
                if (declaration.Kind is MemberKind.Block or MemberKind.Repeated)
                    CheckBlock(type, declaration, configType, diagnostics);
                var dimensions = TranslateDimensions(declaration, keys, configType, diagnostics, out var eps);
                if (diagnostics.Count != before) continue;
                valid.Add(declaration);
                members.Add(new MemberToGenerate(
                    declaration.Kind,
                    declaration.Property.Name,
                    SyntaxFacts.GetText(declaration.Property.DeclaredAccessibility),
                    declaration.Property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    declaration.Segments.ToEquatableArray(),
                    dimensions.ToEquatableArray(),
                    eps,
                    declaration.HasBias,
                    RoleNames[RoleOf(declaration.Attribute)],
                    declaration.BlockType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    Named(declaration.Attribute, "Init") is double init ? init : 0.0,
                    null,
                    null));
            }

            CheckDuplicates(valid, diagnostics);

            // Ties are resolved once every member is known: they may point to members declared later or inside blocks.
            for (int i = 0; i < valid.Count; i++)
            {
                var declaration = valid[i];
                var weightTie = Named(declaration.Attribute, declaration.Kind == MemberKind.Parameter ? "TieTo" : "TieWeightTo") as string;
                var biasTie = Named(declaration.Attribute, "TieBiasTo") as string;
                var weight = weightTie is null ? null : ResolveTie(type, declaration, weightTie, diagnostics);
                var bias = biasTie is null ? null : ResolveTie(type, declaration, biasTie, diagnostics);
                if (weight is not null || bias is not null) members[i] = members[i].WithTies(weight, bias);
            }

            if (diagnostics.Count > 0) return new ModelExtraction(null, diagnostics.ToEquatableArray());
            var model = new ModelToGenerate(
                type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                type.Name,
                configType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                members.ToEquatableArray());
            return new ModelExtraction(model, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static ModelExtraction Fail(List<DiagnosticInfo> diagnostics, DiagnosticInfo diagnostic)
        {
            diagnostics.Add(diagnostic);
            return new ModelExtraction(null, diagnostics.ToEquatableArray());
        }

        private static bool DerivesFromModule(INamedTypeSymbol type)
        {
            for (var t = type.BaseType; t is not null; t = t.BaseType)
                if (t.Name == "Module" && t.ContainingType?.ToDisplayString() == "TorchSharp.torch.nn") return true;
            return false;
        }

        /// <summary>The DSL members declared on <paramref name="type"/>, in declaration order (also works on types from metadata).</summary>
        private static List<Declaration> ReadDeclarations(INamedTypeSymbol type)
        {
            var result = new List<Declaration>();
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.PartialImplementationPart is null && property.PartialDefinitionPart is not null) continue; // the generated half
                foreach (var attribute in property.GetAttributes())
                {
                    MemberKind? kind = attribute.AttributeClass?.ToDisplayString() switch
                    {
                        ModelAttributeNames.Linear => MemberKind.Linear,
                        ModelAttributeNames.Embedding => MemberKind.Embedding,
                        ModelAttributeNames.LayerNorm => MemberKind.LayerNorm,
                        ModelAttributeNames.Parameter => MemberKind.Parameter,
                        ModelAttributeNames.Block => MemberKind.Block,
                        ModelAttributeNames.Repeated => MemberKind.Repeated,
                        _ => null,
                    };
                    if (kind is null || attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not string path) continue;
                    var declaration = new Declaration
                    {
                        Kind = kind.Value,
                        Property = property,
                        Attribute = attribute,
                        Path = path,
                        Segments = path.Split('.').ToList(),
                        HasBias = !(Named(attribute, "Bias") is false),
                        Location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? property.Locations.FirstOrDefault(),
                    };
                    if (kind == MemberKind.Block) declaration.BlockType = property.Type as INamedTypeSymbol;
                    if (kind == MemberKind.Repeated && property.Type is INamedTypeSymbol { TypeArguments.Length: 1 } list)
                        declaration.BlockType = list.TypeArguments[0] as INamedTypeSymbol;
                    if (kind == MemberKind.Repeated && declaration.Segments.Count > 0 && declaration.Segments[declaration.Segments.Count - 1] == "{i}")
                        declaration.Segments.RemoveAt(declaration.Segments.Count - 1);
                    result.Add(declaration);
                }
            }
            return result;
        }

        private static object? Named(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
                if (pair.Key == name) return pair.Value.Value;
            return null;
        }

        private static int RoleOf(AttributeData attribute) => Named(attribute, "Role") is int role && role >= 0 && role < RoleNames.Length ? role : 0;

        private static void CheckProperty(Declaration declaration, List<DiagnosticInfo> diagnostics)
        {
            var property = declaration.Property;
            var isPartialDeclaration = property.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax())
                .OfType<PropertyDeclarationSyntax>()
                .Any(p => p.Modifiers.Any(SyntaxKind.PartialKeyword) && p.AccessorList is { } accessors
                          && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null));
            if (property.IsStatic || property.SetMethod is not null || property.GetMethod is null || !isPartialDeclaration)
            {
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.InvalidMemberProperty, property.Locations.FirstOrDefault(), property.Name));
                return;
            }
            var attributeName = declaration.Kind.ToString();
            var actual = property.Type.ToDisplayString();
            string? expected = declaration.Kind switch
            {
                MemberKind.Linear => ModelAttributeNames.TorchLinear,
                MemberKind.Embedding => ModelAttributeNames.TorchEmbedding,
                MemberKind.LayerNorm => ModelAttributeNames.TorchLayerNorm,
                MemberKind.Parameter => ModelAttributeNames.TorchParameter,
                MemberKind.Repeated => "System.Collections.Generic.IReadOnlyList<TBlock>",
                _ => null,
            };
            var matches = declaration.Kind switch
            {
                MemberKind.Block => true, // checked by CheckBlock
                MemberKind.Repeated => property.Type is INamedTypeSymbol { TypeArguments.Length: 1 } named
                                       && named.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.IReadOnlyList<T>",
                _ => actual == expected,
            };
            if (!matches)
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.WrongMemberType, property.Locations.FirstOrDefault(), attributeName, property.Name, expected ?? "", actual));
        }

        private static void CheckPath(Declaration declaration, HashSet<string> stringProperties, INamedTypeSymbol configType, List<DiagnosticInfo> diagnostics)
        {
            if (declaration.Kind == MemberKind.Repeated)
            {
                var raw = declaration.Path.Split('.');
                var indexCount = raw.Count(s => s == "{i}");
                if (raw.Length < 2 || raw[raw.Length - 1] != "{i}" || indexCount != 1)
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.RepeatedPath, declaration.Location, declaration.Path));
                    return;
                }
            }
            foreach (var segment in declaration.Segments)
            {
                if (segment.Length > 2 && segment[0] == '{' && segment[segment.Length - 1] == '}')
                {
                    var name = segment.Substring(1, segment.Length - 2);
                    if (!stringProperties.Contains(name))
                        diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.UnknownPlaceholder, declaration.Location, name, declaration.Path, configType.Name));
                    continue;
                }
                if (segment.Length == 0 || !segment.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_')))
                {
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.InvalidPath, declaration.Location, declaration.Path));
                    return;
                }
            }
        }

        private static void CheckBlock(INamedTypeSymbol owner, Declaration declaration, INamedTypeSymbol configType, List<DiagnosticInfo> diagnostics)
        {
            if (RoleOf(declaration.Attribute) != 0)
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.RoleOnBlock, declaration.Location, declaration.Property.Name, declaration.BlockType?.Name ?? "?"));
            var blockType = declaration.BlockType;
            var modelAttribute = blockType?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ModelAttributeNames.Model);
            if (blockType is null || modelAttribute is null)
            {
                if (declaration.Kind == MemberKind.Block || blockType is not null)
                    diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.BlockNotAModel, declaration.Location, declaration.Property.Name,
                        blockType?.ToDisplayString() ?? declaration.Property.Type.ToDisplayString()));
                return;
            }
            if (modelAttribute.ConstructorArguments.Length == 1 && modelAttribute.ConstructorArguments[0].Value is INamedTypeSymbol needed)
            {
                for (INamedTypeSymbol? t = configType; t is not null; t = t.BaseType)
                    if (SymbolEqualityComparer.Default.Equals(t, needed)) return;
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.BlockConfigMismatch, declaration.Location,
                    declaration.Property.Name, blockType.Name, needed.Name, configType.Name, owner.Name));
            }
        }

        private static List<string> TranslateDimensions(Declaration declaration, Dictionary<string, string> keys, INamedTypeSymbol configType,
            List<DiagnosticInfo> diagnostics, out string? eps)
        {
            eps = null;
            var texts = new List<string>();
            var args = declaration.Attribute.ConstructorArguments;
            switch (declaration.Kind)
            {
                case MemberKind.Linear:
                case MemberKind.Embedding:
                    texts.Add(args.Length > 1 ? args[1].Value as string ?? "" : "");
                    texts.Add(args.Length > 2 ? args[2].Value as string ?? "" : "");
                    break;
                case MemberKind.LayerNorm:
                    texts.Add(args.Length > 1 ? args[1].Value as string ?? "" : "");
                    var epsText = args.Length > 2 ? args[2].Value as string ?? "" : "";
                    if (double.TryParse(epsText, NumberStyles.Float, CultureInfo.InvariantCulture, out var literal))
                        eps = literal.ToString("R", CultureInfo.InvariantCulture);
                    else if (keys.TryGetValue(epsText.Trim(), out var epsProperty))
                        eps = "config." + epsProperty;
                    else
                        diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.UnknownConfigKey, declaration.Location, epsText, declaration.Path, configType.Name, KnownKeys(keys)));
                    break;
                case MemberKind.Parameter:
                    texts.AddRange((args.Length > 1 ? args[1].Value as string ?? "" : "").Split(','));
                    break;
                case MemberKind.Repeated:
                    texts.Add(args.Length > 1 ? args[1].Value as string ?? "" : "");
                    break;
            }
            var result = new List<string>();
            foreach (var text in texts)
            {
                switch (DimensionExpression.TryTranslate(text, keys, "config", out var csharp, out var badKey))
                {
                    case DimensionExpression.Error.None:
                        result.Add(csharp);
                        break;
                    case DimensionExpression.Error.UnknownKey:
                        diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.UnknownConfigKey, declaration.Location, badKey!, text.Trim(), configType.Name, KnownKeys(keys)));
                        break;
                    default:
                        diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.InvalidDimension, declaration.Location, text));
                        break;
                }
            }
            return result;
        }

        private static string KnownKeys(Dictionary<string, string> keys) => string.Join(", ", keys.Keys.OrderBy(k => k, System.StringComparer.Ordinal));

        private static void CheckDuplicates(List<Declaration> declarations, List<DiagnosticInfo> diagnostics)
        {
            for (int b = 0; b < declarations.Count; b++)
            {
                for (int a = 0; a < b; a++)
                {
                    var first = declarations[a];
                    var second = declarations[b];
                    var firstPath = string.Join(".", first.Segments);
                    var secondPath = string.Join(".", second.Segments);
                    var clash = firstPath == secondPath
                        || (first.Kind != MemberKind.Block && secondPath.StartsWith(firstPath + ".", System.StringComparison.Ordinal))
                        || (second.Kind != MemberKind.Block && firstPath.StartsWith(secondPath + ".", System.StringComparison.Ordinal));
                    if (clash)
                    {
                        diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.DuplicateName, second.Location, second.Path, second.Property.Name, first.Property.Name));
                        break;
                    }
                }
            }
        }

        /// <summary>Finds the parameter named <paramref name="target"/> (relative to <paramref name="owner"/>) and returns how to reach it in C#.</summary>
        private static TieToGenerate? ResolveTie(INamedTypeSymbol owner, Declaration declaration, string target, List<DiagnosticInfo> diagnostics)
        {
            var segments = target.Split('.').ToList();
            var access = Resolve(owner, segments, 0, out var intoRepeated);
            if (intoRepeated)
            {
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.TieNotAllowed, declaration.Location, declaration.Property.Name, target));
                return null;
            }
            if (access is null)
            {
                diagnostics.Add(ModelDiagnostics.Create(ModelDiagnostics.TieTargetMissing, declaration.Location, declaration.Property.Name, target, owner.Name));
                return null;
            }
            return new TieToGenerate(segments.ToEquatableArray(), access);
        }

        private static string? Resolve(INamedTypeSymbol type, List<string> target, int depth, out bool intoRepeated)
        {
            intoRepeated = false;
            if (depth > 16) return null; // a block that contains itself; the compiler reports the cycle
            foreach (var member in ReadDeclarations(type))
            {
                var path = member.Segments;
                bool StartsWithPath() => target.Count > path.Count && path.Select((s, i) => s == target[i]).All(x => x);
                switch (member.Kind)
                {
                    case MemberKind.Parameter when target.SequenceEqual(path):
                        return member.Property.Name;
                    case MemberKind.Linear or MemberKind.LayerNorm when target.Count == path.Count + 1 && StartsWithPath()
                                                                         && (target[path.Count] == "weight" || (target[path.Count] == "bias" && member.HasBias)):
                    case MemberKind.Embedding when target.Count == path.Count + 1 && StartsWithPath() && target[path.Count] == "weight":
                        return $"{member.Property.Name}.{target[path.Count]}";
                    case MemberKind.Repeated when StartsWithPath():
                        intoRepeated = true;
                        return null;
                    case MemberKind.Block when StartsWithPath() && member.BlockType is not null:
                        var inner = Resolve(member.BlockType, target.Skip(path.Count).ToList(), depth + 1, out intoRepeated);
                        if (inner is not null) return $"{member.Property.Name}.{inner}";
                        if (intoRepeated) return null;
                        break;
                }
            }
            return null;
        }
    }
}
