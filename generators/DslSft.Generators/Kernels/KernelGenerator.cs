using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DslSft.Generators.Common;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// The kernel DSL: every [ElementwiseKernel] rule becomes C# entry points + reference loops (added to its
    /// partial class) and C++/CUDA kernels (as constants destined for native/generated/), plus one shared
    /// C header for all rules. Extraction (KernelExtractor, BodyTranslator) and emission (one emitter per
    /// target language) are separate; only plain value-equal records flow between them.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class KernelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var extractions = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KernelAttributeNames.ElementwiseKernel,
                    predicate: static (node, _) => node is MethodDeclarationSyntax,
                    transform: static (ctx, ct) => KernelExtractor.Extract(ctx, ct))
                .WithTrackingName(KernelTrackingNames.ExtractRule);

            context.RegisterSourceOutput(extractions, static (spc, extraction) => EmitRule(spc, extraction));

            var signatures = extractions
                .Where(static e => e.Rule != null)
                .Select(static (e, _) => new LocatedSignature(e.Rule!.Signature, e.AttributeLocation))
                .WithTrackingName(KernelTrackingNames.Signatures)
                .Collect()
                .WithTrackingName(KernelTrackingNames.AllSignatures);

            context.RegisterSourceOutput(signatures, static (spc, all) => EmitShared(spc, all));
        }

        private static void EmitRule(SourceProductionContext context, KernelExtraction extraction)
        {
            foreach (var diagnostic in extraction.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic(KernelDiagnostics.ById));
            var rule = extraction.Rule;
            if (rule is null) return;
            context.AddSource(CSharpKernelEmitter.HintName(rule), CSharpKernelEmitter.Emit(rule));
            context.AddSource(CSharpKernelEmitter.HintName(rule).Replace(".Kernel.g.cs", ".NativeSources.g.cs"), NativeSourcesEmitter.EmitRuleSources(rule));
        }

        private static void EmitShared(SourceProductionContext context, ImmutableArray<LocatedSignature> all)
        {
            if (all.IsEmpty) return;
            var seen = new HashSet<string>();
            foreach (var group in all.GroupBy(x => x.Signature.KernelName).Where(g => g.Count() > 1))
                foreach (var duplicate in group)
                    context.ReportDiagnostic(Diagnostic.Create(KernelDiagnostics.DuplicateKernelName, duplicate.Location?.ToLocation(), group.Key));
            var unique = all.GroupBy(x => x.Signature.KernelName).Select(g => g.First().Signature).ToImmutableArray();
            context.AddSource("DslSft.Kernels.Generated.KernelNativeSupport.g.cs",
                NativeSourcesEmitter.EmitSupportSources(KernelHeaderEmitter.Emit(unique)));
        }
    }

    /// <summary>A rule's signature with where its attribute is, for the duplicate-name diagnostic.</summary>
    internal sealed record LocatedSignature(KernelSignature Signature, LocationInfo? Location);
}
