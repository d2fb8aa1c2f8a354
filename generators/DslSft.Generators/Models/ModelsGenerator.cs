using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DslSft.Generators.Models
{
    /// <summary>
    /// The architecture DSL: [ModelConfig] classes get a config.json binder, [Model] classes get construction under HF
    /// names, ties, a parameter table and a name → tensor view. Extraction (<see cref="ConfigExtractor"/>,
    /// <see cref="ModelExtractor"/>) turns symbols into value-equal records; emission (<see cref="ConfigBinderEmitter"/>,
    /// <see cref="ModelEmitter"/>) turns records into text, so unrelated edits leave the output cached.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelsGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var configs = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ModelAttributeNames.ModelConfig,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (ctx, ct) => ConfigExtractor.Extract(ctx, ct))
                .WithTrackingName(ModelTrackingNames.ConfigDeclarations);

            var models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ModelAttributeNames.Model,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (ctx, ct) => ModelExtractor.Extract(ctx, ct))
                .WithTrackingName(ModelTrackingNames.ModelDeclarations);

            context.RegisterSourceOutput(configs, static (spc, extraction) => EmitConfig(spc, extraction));
            context.RegisterSourceOutput(models, static (spc, extraction) => EmitModel(spc, extraction));
        }

        private static void EmitConfig(SourceProductionContext context, ConfigExtraction extraction)
        {
            foreach (var diagnostic in extraction.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic(ModelDiagnostics.ById));
            if (extraction.Config is { } config)
                context.AddSource(HintName(config.Namespace, config.ClassName, "Config"), ConfigBinderEmitter.Emit(config));
        }

        private static void EmitModel(SourceProductionContext context, ModelExtraction extraction)
        {
            foreach (var diagnostic in extraction.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic(ModelDiagnostics.ById));
            if (extraction.Model is { } model)
                context.AddSource(HintName(model.Namespace, model.ClassName, "Model"), ModelEmitter.Emit(model));
        }

        private static string HintName(string ns, string name, string kind) =>
            (ns.Length == 0 ? name : ns + "." + name) + "." + kind + ".g.cs";
    }
}
