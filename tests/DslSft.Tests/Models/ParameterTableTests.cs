using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Models.Heads;
using DslSft.Models.Transformer;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Models;

/// <summary>The runtime parameter table, maskable plan, ties and save/load round trips of DSL-built models.</summary>
public sealed class ParameterTableTests
{
    internal static TransformerConfig TinyConfig(string modelType = "bert") => new()
    {
        ModelType = modelType, VocabSize = 30, HiddenSize = 8, NumHiddenLayers = 2, NumAttentionHeads = 2,
        IntermediateSize = 16, MaxPositionEmbeddings = 20, TypeVocabSize = modelType == "bert" ? 2 : 1,
        PadTokenId = modelType == "bert" ? 0 : 1, NumLabels = 3, ParserArcMlpSize = 6, ParserRelMlpSize = 4, ParserNumRelations = 5,
    };

    [Fact]
    public void Mlm_table_has_hf_names_roles_and_contiguous_offsets()
    {
        using var model = new BertForMaskedLM(TinyConfig());
        var table = ParameterTable.Build(model);
        var names = table.Select(e => e.Name).ToList();
        // 5 embedding tensors + 16 per layer + 5 head tensors (+ 2 tied aliases) = 44 names, as in HF's state dict.
        Assert.Equal(5 + 2 * 16 + 5 + 2, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        // TorchSharp's own names are the HF names (it lists a tie by name only when the tensor wrapper differs).
        Assert.Subset(names.ToHashSet(), model.Module.named_parameters().Select(p => p.name).ToHashSet());

        Assert.Equal(ParameterRole.Maskable, table["bert.encoder.layer.1.attention.self.query.weight"].Role);
        Assert.Equal([8L, 8L], table["bert.encoder.layer.1.attention.self.query.weight"].Shape);
        Assert.Equal([16L, 8L], table["bert.encoder.layer.0.intermediate.dense.weight"].Shape);
        Assert.Equal(ParameterRole.DenseHead, table["cls.predictions.bias"].Role);
        Assert.Equal(ParameterRole.Tied, table["cls.predictions.decoder.weight"].Role);
        Assert.Equal(ParameterRole.Tied, table["cls.predictions.decoder.bias"].Role);
        Assert.Equal(table["bert.embeddings.word_embeddings.weight"].Offset, table["cls.predictions.decoder.weight"].Offset);
        Assert.Equal(ParameterKind.LayerNormWeight, table["bert.embeddings.LayerNorm.weight"].Kind);

        // Offsets of non-tied entries tile [0, TotalSize) in table order.
        long expected = 0;
        foreach (var entry in table.Where(e => e.Role != ParameterRole.Tied))
        {
            Assert.Equal(expected, entry.Offset);
            expected += entry.Size;
        }
        Assert.Equal(expected, table.TotalSize);
        Assert.Equal(table.Where(e => e.Role != ParameterRole.Tied).Sum(e => e.Tensor.numel()), table.TotalSize);
        // Trainable parameters list each storage once (TorchSharp's parameters() would list the tied decoder weight again).
        Assert.Equal(table.Count - 2, table.TrainableParameters().Count());
    }

    [Fact]
    public void Maskable_plan_covers_exactly_the_maskable_tensors_and_locates_indices()
    {
        using var model = new BertForMaskedLM(TinyConfig());
        var table = ParameterTable.Build(model);
        var plan = table.MaskablePlan();
        Assert.Equal(table.WithRole(ParameterRole.Maskable).Select(e => e.Name), plan.Slices.Select(s => s.Name));
        Assert.All(plan.Slices, s => Assert.StartsWith("bert.", s.Name));
        Assert.Equal(table.WithRole(ParameterRole.Maskable).Sum(e => e.Size), plan.TotalSize);
        Assert.Equal(plan.Slices.Count + 1, plan.Boundaries.Length);
        var third = plan.Slices[2];
        var (slice, local) = plan.Locate(third.Offset + 5);
        Assert.Equal(third.Name, slice.Name);
        Assert.Equal(5, local);
        Assert.Equal(plan.Slices[^1].Name, plan.Locate(plan.TotalSize - 1).Slice.Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Locate(plan.TotalSize));
    }

    [Fact]
    public void Tie_shares_storage_and_untying_with_freeze_makes_a_frozen_copy()
    {
        using var model = new BertForMaskedLM(TinyConfig());
        using (no_grad()) model.Bert.Embeddings.WordEmbeddings.weight!.add_(1.0f);
        Assert.True(model.Decoder.weight!.equal(model.Bert.Embeddings.WordEmbeddings.weight!).all().item<bool>());

        model.UntieDecoder(freeze: true);
        var table = ParameterTable.Build(model);
        Assert.Equal(ParameterRole.Frozen, table["cls.predictions.decoder.weight"].Role);
        Assert.Equal(ParameterRole.Tied, table["cls.predictions.decoder.bias"].Role);
        using (no_grad()) model.Bert.Embeddings.WordEmbeddings.weight!.add_(1.0f);
        Assert.False(model.Decoder.weight!.equal(model.Bert.Embeddings.WordEmbeddings.weight!).all().item<bool>());

        model.UntieDecoder(freeze: false);
        Assert.Equal(ParameterRole.DenseHead, ParameterTable.Build(model)["cls.predictions.decoder.weight"].Role);
    }

    [Theory]
    [InlineData(ModelHead.TokenClassification, "bert", "classifier.weight")]
    [InlineData(ModelHead.TokenClassification, "xlm-roberta", "classifier.weight")]
    [InlineData(ModelHead.SequenceClassification, "bert", "classifier.weight")]
    [InlineData(ModelHead.SequenceClassification, "xlm-roberta", "classifier.out_proj.weight")]
    [InlineData(ModelHead.QuestionAnswering, "xlm-roberta", "qa_outputs.weight")]
    [InlineData(ModelHead.DependencyParsing, "bert", "parser.rel_attention.weight")]
    public void Every_head_registers_hf_names_under_its_base_prefix(ModelHead head, string modelType, string headParameter)
    {
        var config = TinyConfig(modelType);
        using var model = HfModel.Create(config, head);
        var table = ParameterTable.Build(model);
        Assert.Equal(ParameterRole.DenseHead, table[headParameter].Role);
        Assert.All(table.WithRole(ParameterRole.Maskable), e => Assert.StartsWith(config.BaseModelPrefix + ".", e.Name));
        Assert.Equal(model.Module.named_parameters().Select(p => p.name).OrderBy(n => n), table.Select(e => e.Name).OrderBy(n => n));
        Assert.Equal(table.Count, table.TrainableParameters().Count());
    }

    [SharedDataFact]
    public void Save_then_load_round_trips_bitwise_and_omits_tied_aliases()
    {
        var temp = Directory.CreateTempSubdirectory("dslsft-save-").FullName;
        try
        {
            var source = HfModel.Load(SharedData.Fixture("tiny-xlmr"), ModelHead.MaskedLM);
            using var model = source.Model;
            var target = Path.Combine(temp, "saved");
            HfModel.Save(model, target, File.ReadAllText(SharedData.Fixture("tiny-xlmr", "config.json")));
            var saved = SafeTensorsFile.ReadStateDict(Path.Combine(target, "model.safetensors"));
            Assert.Equal(42, saved.Count);
            Assert.DoesNotContain("lm_head.decoder.weight", saved.Keys);
            Assert.Empty(Directory.GetFiles(temp, ".*")); // no temporary left behind

            var reloaded = HfModel.Load(target);
            using var again = reloaded.Model;
            Assert.True(reloaded.Report.IsComplete, reloaded.Report.ToString());
            Assert.IsType<XlmRobertaForMaskedLM>(again);
            var original = ParameterTable.Build(model);
            foreach (var entry in ParameterTable.Build(again))
                Assert.True(entry.Tensor.equal(original[entry.Name].Tensor).all().item<bool>(), entry.Name);
            Assert.Equal(1e-5, again.Config.LayerNormEps);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [SharedDataFact]
    public void Bare_encoder_checkpoints_get_the_base_prefix()
    {
        var temp = Directory.CreateTempSubdirectory("dslsft-bare-").FullName;
        try
        {
            // A BertModel checkpoint (as MiniLM's) names tensors without "bert.".
            var tensors = SafeTensorsFile.ReadStateDict(SharedData.Fixture("tiny-bert", "model.safetensors"))
                .Where(kv => kv.Key.StartsWith("bert.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["bert.".Length..], kv => kv.Value);
            SafeTensorsFile.WriteStateDict(Path.Combine(temp, "model.safetensors"), tensors);
            File.Copy(SharedData.Fixture("tiny-bert", "config.json"), Path.Combine(temp, "config.json"));
            var loaded = HfModel.Load(temp, ModelHead.TokenClassification, new HfLoadOptions { NumLabels = 4 });
            using var model = loaded.Model;
            Assert.Equal(["classifier.bias", "classifier.weight"], loaded.Report.Missing.Order());
            Assert.Empty(loaded.Report.Unexpected);
            Assert.Equal(4, model.Config.NumLabels);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}

/// <summary>composable-sft's setup on tiny-bert: with LayerNorms frozen, the maskable tensors are its 27 diff tensors and the dense ones its abs tensors.</summary>
public sealed class ComposableSftRoleTests
{
    [SharedDataFact]
    public void Frozen_layer_norms_leave_exactly_the_tensors_composable_sft_diffs()
    {
        using var model = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM).Model;
        model.FreezeLayerNorms();
        var table = ParameterTable.Build(model);
        var meta = System.Text.Json.JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("composable-sft", "lang-mlm", "expected_meta.json"))).RootElement;
        var diffNames = meta.GetProperty("diff_shapes").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(27, diffNames.Count);
        Assert.Equal(diffNames, table.MaskablePlan().Slices.Select(s => s.Name).Order());
        foreach (var shape in meta.GetProperty("diff_shapes").EnumerateObject())
            Assert.Equal(shape.Value.EnumerateArray().Select(d => d.GetInt64()), table[shape.Name].Shape);
        // Dense (abs) tensors: the MLM bias and transform dense (the transform LayerNorm is frozen).
        var abs = meta.GetProperty("abs_tensors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(abs, table.WithRole(ParameterRole.DenseHead).Select(e => e.Name).Order());
    }
}
