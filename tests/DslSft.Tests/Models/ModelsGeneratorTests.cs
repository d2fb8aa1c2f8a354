using DslSft.Generators.Models;
using DslSft.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DslSft.Tests.Models;

/// <summary>The architecture DSL generator: snapshots of the generated code, its diagnostics, and incremental caching.</summary>
public sealed class ModelsGeneratorTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using DslSft.Dsl.Models;
        using DslSft.Models;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    /// <summary>A small but complete architecture: config with defaults and inheritance, blocks, a repeated block, a placeholder, a tie.</summary>
    private const string Architecture = Usings + """
        namespace Demo;

        [ModelConfig]
        public partial class DemoConfig
        {
            [ConfigKey("vocab_size", Min = 1)] public int VocabSize { get; set; }
            [ConfigKey("hidden_size", Min = 1)] public int HiddenSize { get; set; }
            [ConfigKey("num_layers")] public int NumLayers { get; set; } = 2;
            [ConfigKey("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-5;
            [ConfigKey("prefix")] public string Prefix { get; set; } = "demo";
        }

        [ModelConfig]
        public partial class DemoHeadConfig : DemoConfig
        {
            [ConfigKey("num_labels", CountOf = "id2label")] public int NumLabels { get; set; } = 2;
            [ConfigKey("dropout")] public double? Dropout { get; set; }
        }

        [Model(typeof(DemoConfig))]
        public partial class DemoBlock : nn.Module<Tensor, Tensor>
        {
            [Linear("ffn.up", "hidden_size", "hidden_size*4")] public partial Linear Up { get; }
            [Linear("ffn.down", "hidden_size*4", "hidden_size", Bias = false)] public partial Linear Down { get; }
            [LayerNorm("norm", "hidden_size", "layer_norm_eps")] public partial LayerNorm Norm { get; }
            public override Tensor forward(Tensor x) => Norm.forward(x + Down.forward(Up.forward(x).relu()));
        }

        [Model(typeof(DemoHeadConfig))]
        public partial class DemoModel : nn.Module<Tensor, Tensor>
        {
            [Embedding("{Prefix}.embed", "vocab_size", "hidden_size")] public partial Embedding Embed { get; }
            [Repeated("{Prefix}.blocks.{i}", "num_layers")] public partial IReadOnlyList<DemoBlock> Blocks { get; }
            [Parameter("head.scale", "num_labels, hidden_size+1", Role = ParameterRole.DenseHead, Init = 1.0)] public partial Parameter Scale { get; }
            [Linear("head.out", "hidden_size", "vocab_size", Role = ParameterRole.Frozen, TieWeightTo = "{Prefix}.embed.weight")] public partial Linear Out { get; }
            public override Tensor forward(Tensor ids)
            {
                var x = Embed.forward(ids);
                foreach (var block in Blocks) x = block.forward(x);
                return Out.forward(x);
            }
        }
        """;

    [Fact]
    public void Generated_code_matches_the_snapshot_and_compiles()
    {
        var (result, output) = ModelsGeneratorHarness.Run(Architecture);
        Assert.Empty(result.Diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var files = result.Results.Single().GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
        Assert.Equal(["Demo.DemoBlock.Model.g.cs", "Demo.DemoConfig.Config.g.cs", "Demo.DemoHeadConfig.Config.g.cs", "Demo.DemoModel.Model.g.cs"],
            files.Select(f => f.HintName));
        foreach (var file in files)
            Snapshot.Verify(file.SourceText.ToString(), "txt", file.HintName.Replace(".g.cs", ""));
    }

    [Fact]
    public void Generated_model_builds_hf_names_shapes_ties_and_binds_config()
    {
        // Compile and load the demo, then check the runtime behaviour of the generated members.
        var (_, output) = ModelsGeneratorHarness.Run(Architecture);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(stream.ToArray());
        var configType = assembly.GetType("Demo.DemoHeadConfig")!;
        var config = configType.GetMethod("FromJson")!.Invoke(null, ["""{"vocab_size": 11, "hidden_size": 6, "prefix": "enc", "id2label": {"0": "a", "1": "b", "2": "c"}}""", "config.json"])!;
        var model = (DslSft.Models.IHfModule)Activator.CreateInstance(assembly.GetType("Demo.DemoModel")!, config)!;
        var table = DslSft.Models.ParameterTable.Build(model);
        Assert.Equal(
            ["enc.embed.weight", "enc.blocks.0.ffn.up.weight", "enc.blocks.0.ffn.up.bias", "enc.blocks.0.ffn.down.weight", "enc.blocks.0.norm.weight", "enc.blocks.0.norm.bias",
             "enc.blocks.1.ffn.up.weight", "enc.blocks.1.ffn.up.bias", "enc.blocks.1.ffn.down.weight", "enc.blocks.1.norm.weight", "enc.blocks.1.norm.bias",
             "head.scale", "head.out.weight", "head.out.bias"],
            table.Select(e => e.Name));
        Assert.Equal([24L, 6L], table["enc.blocks.1.ffn.up.weight"].Shape);
        Assert.Equal([3L, 7L], table["head.scale"].Shape);
        Assert.True(table["head.scale"].Tensor.eq(1.0f).all().item<bool>());
        Assert.Equal(DslSft.Models.ParameterRole.Tied, table["head.out.weight"].Role);
        Assert.Equal(DslSft.Models.ParameterRole.Frozen, table["head.out.bias"].Role);
        Assert.Equal(table["enc.blocks.0.ffn.up.weight"].Offset + 24 * 6, table["enc.blocks.0.ffn.up.bias"].Offset);
        var module = (TorchSharp.torch.nn.Module)model;
        Assert.Subset(table.Select(e => e.Name).ToHashSet(), module.named_parameters().Select(p => p.name).ToHashSet());
    }

    [Theory]
    [InlineData("DSM001", """[ModelConfig] public class C { }""")]
    [InlineData("DSM002", """[ModelConfig] public partial class C { [ConfigKey("h")] public int H { get; set; } } [Model(typeof(C))] public partial class M { }""")]
    [InlineData("DSM003", """public class C { } [Model(typeof(C))] public partial class M : nn.Module { public M() : base("m") { } }""")]
    [InlineData("DSM004", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "hidden_sise")] public partial Linear A { get; } }""")]
    [InlineData("DSM005", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h+", "h")] public partial Linear A { get; } }""")]
    [InlineData("DSM006", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "h")] public Linear A { get; set; } = null!; }""")]
    [InlineData("DSM007", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "h")] public partial Embedding A { get; } }""")]
    [InlineData("DSM008", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "h")] public partial Linear A { get; } [Linear("a", "h", "h")] public partial Linear B { get; } }""")]
    [InlineData("DSM009", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "h", TieWeightTo = "b.weight")] public partial Linear A { get; } }""")]
    [InlineData("DSM010", Config + Block + """[Model(typeof(C))] public partial class M : nn.Module { [Repeated("layers", "h")] public partial IReadOnlyList<B> L { get; } }""")]
    [InlineData("DSM011", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("{Nope}.a", "h", "h")] public partial Linear A { get; } }""")]
    [InlineData("DSM012", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Block("b")] public partial Linear A { get; } }""")]
    [InlineData("DSM013", Config + """[ModelConfig] public partial class D { [ConfigKey("h")] public int H { get; set; } } [Model(typeof(D))] public partial class B : nn.Module { } [Model(typeof(C))] public partial class M : nn.Module { [Block("b")] public partial B A { get; } }""")]
    [InlineData("DSM014", """[ModelConfig] public partial class C { [ConfigKey("h")] public decimal H { get; set; } }""")]
    [InlineData("DSM015", """[ModelConfig] public partial class C { [ConfigKey("h")] public int H { get; } }""")]
    [InlineData("DSM016", """[ModelConfig] public partial class C { [ConfigKey("h")] public int H { get; set; } [ConfigKey("h")] public int G { get; set; } }""")]
    [InlineData("DSM017", Config + Block + """[Model(typeof(C))] public partial class M : nn.Module { [Block("b", Role = ParameterRole.Frozen)] public partial B A { get; } }""")]
    [InlineData("DSM018", Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a..b", "h", "h")] public partial Linear A { get; } }""")]
    [InlineData("DSM019", """[ModelConfig] public partial class C { [ConfigKey("h", CountOf = "x")] public double H { get; set; } }""")]
    [InlineData("DSM020", Config + """[Model(typeof(C))] public partial class B : nn.Module { [Linear("x", "h", "h")] public partial Linear X { get; } } [Model(typeof(C))] public partial class M : nn.Module { [Repeated("l.{i}", "h")] public partial IReadOnlyList<B> L { get; } [Linear("a", "h", "h", TieWeightTo = "l.0.x.weight")] public partial Linear A { get; } }""")]
    public void Unsupported_declarations_are_diagnostics_at_the_declaration(string id, string source)
    {
        var (result, _) = ModelsGeneratorHarness.Run(Usings + source);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        // Locations are kept as plain data for caching, so they come back as file locations: check file and span.
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal("Source0.cs", span.Path);
        var text = (Usings + source).Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Equal(text.Split('\n').Length - 1, span.EndLinePosition.Line - span.StartLinePosition.Line);
    }

    private const string Config = """[ModelConfig] public partial class C { [ConfigKey("h")] public int H { get; set; } = 4; } """;
    private const string Block = """[Model(typeof(C))] public partial class B : nn.Module { } """;

    [Fact]
    public void Unknown_key_message_names_the_key_the_expression_and_the_known_keys()
    {
        var (result, _) = ModelsGeneratorHarness.Run(Usings + Config + """[Model(typeof(C))] public partial class M : nn.Module { [Linear("a", "h", "2*hidden")] public partial Linear A { get; } }""");
        Assert.Equal("'hidden' in '2*hidden' is not a config key of 'C' (known keys: h)", Assert.Single(result.Diagnostics).GetMessage());
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        var compilation = ModelsGeneratorHarness.Compile(Architecture, "namespace Other; public class Unrelated { }");
        var driver = ModelsGeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 1; }", ModelsGeneratorHarness.ParseOptions, path: "Source1.cs"));
        var run = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (var name in new[] { ModelTrackingNames.ConfigDeclarations, ModelTrackingNames.ModelDeclarations })
        {
            var steps = run.TrackedSteps[name];
            Assert.NotEmpty(steps);
            Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }
        Assert.All(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Editing_a_model_regenerates_only_that_model()
    {
        var compilation = ModelsGeneratorHarness.Compile(Architecture);
        var driver = ModelsGeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Architecture.Replace("\"hidden_size*4\"", "\"hidden_size*2\""), ModelsGeneratorHarness.ParseOptions, path: "Source0.cs"));
        var run = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var reasons = run.TrackedSteps[ModelTrackingNames.ModelDeclarations].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains(IncrementalStepRunReason.Unchanged, reasons);
    }
}
