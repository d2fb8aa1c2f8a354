using System.Collections.Immutable;
using DslSft.Dsl.Kernels;
using DslSft.Generators.Kernels;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DslSft.Tests.Kernels;

/// <summary>
/// Runs the kernel generator on C# sources with CSharpGeneratorDriver, against the .NET 10 reference
/// assemblies plus TorchSharp.dll and DslSft.dll (for the DSL attributes and the runtime glue).
/// </summary>
internal static class KernelGeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(ElementwiseKernelAttribute).Assembly.Location))
            .ToImmutableArray());

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create("KernelRules",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Path))
                // the library's rules rely on ImplicitUsings
                .Append(CSharpSyntaxTree.ParseText("global using System;", ParseOptions, path: "GlobalUsings.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            new[] { new KernelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the diagnostics of compiling the sources plus the output.</summary>
    public static (GeneratorRunResult Result, ImmutableArray<Diagnostic> CompileDiagnostics) Run(params (string Path, string Text)[] sources)
    {
        var compilation = Compilation(sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        var compileDiagnostics = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
        return (result, compileDiagnostics);
    }

    /// <summary>The [GeneratedNativeSource] constants of a generated file: (target path, unescaped text).</summary>
    public static IEnumerable<(string Path, string Text)> NativeConstants(SyntaxTree generated)
    {
        foreach (var field in generated.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax>())
        {
            var attribute = field.AttributeLists.SelectMany(a => a.Attributes).FirstOrDefault(a => a.Name.ToString().EndsWith("GeneratedNativeSource"));
            if (attribute is null) continue;
            var path = ((Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax)attribute.ArgumentList!.Arguments[0].Expression).Token.ValueText;
            var literal = (Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax)field.Declaration.Variables[0].Initializer!.Value;
            yield return (path, literal.Token.ValueText);
        }
    }

    /// <summary>A rule file of the library itself (src/DslSft/Kernels/...).</summary>
    public static (string Path, string Text) LibrarySource(string fileName)
    {
        var path = Path.Combine(GeneratedNativeFilesTests.RepositoryRoot(), "src", "DslSft", "Kernels", fileName);
        return (path, File.ReadAllText(path));
    }
}
