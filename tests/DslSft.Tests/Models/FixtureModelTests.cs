using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Models.Heads;
using DslSft.Models.Transformer;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Models;

/// <summary>
/// The DSL-built BERT and XLM-R against HF's own outputs on the tiny fixtures (exact fp32 references in
/// reference_outputs.safetensors), within the README's tolerances: hidden states and classification logits abs ≤ 1e-5,
/// MLM logits abs ≤ 1e-5 + 1e-5·|ref|. Padded positions are compared too (HF computes them and so do we).
/// </summary>
public sealed class FixtureModelTests
{
    private static Dictionary<string, Tensor> References(string model) =>
        SafeTensorsFile.ReadStateDict(SharedData.Fixture(model, "reference_outputs.safetensors"));

    [SharedDataTheory]
    [InlineData("tiny-bert", "bert")]
    [InlineData("tiny-xlmr", "roberta")]
    public void Both_checkpoint_formats_load_completely_and_hold_bitwise_equal_tensors(string fixture, string prefix)
    {
        var dir = SharedData.Fixture(fixture);
        var config = TransformerConfig.FromJsonFile(Path.Combine(dir, "config.json"));
        var fromBin = StateDictLoader.ReadFile(Path.Combine(dir, "pytorch_model.bin"));
        var fromSafetensors = StateDictLoader.ReadFile(Path.Combine(dir, "model.safetensors"));
        Assert.Equal(44, fromBin.Count);
        Assert.Equal(42, fromSafetensors.Count);

        foreach (var tensors in new[] { fromBin, fromSafetensors })
        {
            using var model = HfModel.Create(config, ModelHead.MaskedLM);
            var report = StateDictLoader.Load(model, tensors, fixture);
            Assert.True(report.IsComplete, report.ToString());
            Assert.Equal(model.BasePrefix, prefix);
        }
        // Every safetensors entry equals the .bin one bit for bit; the two aliases only the .bin holds equal their targets.
        foreach (var (name, tensor) in fromSafetensors)
            Assert.True(fromBin[name].equal(tensor).all().item<bool>(), name);
        var head = prefix == "bert" ? "cls.predictions" : "lm_head";
        Assert.True(fromBin[$"{head}.decoder.weight"].equal(fromBin[$"{prefix}.embeddings.word_embeddings.weight"]).all().item<bool>());
        Assert.True(fromBin[$"{head}.decoder.bias"].equal(fromBin[$"{head}.bias"]).all().item<bool>());
    }

    [SharedDataTheory]
    [InlineData("tiny-bert", "batch")]
    [InlineData("tiny-bert", "pair_batch")]
    [InlineData("tiny-xlmr", "batch")]
    [InlineData("tiny-xlmr", "pair_batch")]
    public void Hidden_states_of_every_layer_and_mlm_logits_match_hf(string fixture, string batchName)
    {
        var reference = References(fixture);
        using var loaded = HfModel.Load(SharedData.Fixture(fixture), ModelHead.MaskedLM).Model;
        Assert.IsAssignableFrom<ITransformerModel>(loaded);
        loaded.Module.eval();
        var ids = reference[$"{batchName}.input_ids"];
        var mask = reference[$"{batchName}.attention_mask"];
        reference.TryGetValue($"{batchName}.token_type_ids", out var types);

        using var _ = no_grad();
        var hiddenStates = new List<Tensor>();
        var last = loaded.Encoder.Encode(ids, mask, types, hiddenStates: hiddenStates);
        Assert.Equal(3, hiddenStates.Count);
        for (int i = 0; i < hiddenStates.Count; i++)
            AssertClose(reference[$"{batchName}.hidden_states.{i}"], hiddenStates[i], 1e-5, 0, $"hidden_states.{i}");
        AssertClose(reference[$"{batchName}.last_hidden_state"], last, 1e-5, 0, "last_hidden_state");

        var output = loaded.Forward(new ModelBatch(ids, mask) { TokenTypeIds = types });
        AssertClose(reference[$"{batchName}.mlm_logits"], output.Logits, 1e-5, 1e-5, "mlm_logits");
    }

    [SharedDataFact]
    public void Xlmr_position_ids_count_non_pad_tokens_past_the_padding_index()
    {
        var reference = References("tiny-xlmr");
        foreach (var batch in new[] { "batch", "pair_batch" })
        {
            var positions = BertEmbeddings.RobertaPositionIds(reference[$"{batch}.input_ids"], padTokenId: 1);
            Assert.True(positions.equal(reference[$"{batch}.position_ids"]).all().item<bool>(), batch);
        }
    }

    [SharedDataFact]
    public void Token_classification_logits_match_hf()
    {
        var reference = References("tiny-bert");
        var dir = SharedData.Fixture("tiny-bert");
        var loaded = HfModel.Load(dir, options: new HfLoadOptions
        {
            ConfigFile = Path.Combine(dir, "token-classification", "config.json"),
            ExtraWeightFiles = [Path.Combine(dir, "token-classification", "head.safetensors")],
        });
        using var model = loaded.Model;
        Assert.IsType<TokenClassificationModel>(model);
        Assert.Empty(loaded.Report.Missing);
        // The MLM checkpoint's head is of no use to a token classifier (HF warns about the same keys).
        Assert.All(loaded.Report.Unexpected, name => Assert.StartsWith("cls.predictions.", name));
        model.Module.eval();
        using var _ = no_grad();
        var output = model.Forward(new ModelBatch(reference["batch.input_ids"], reference["batch.attention_mask"]) { TokenTypeIds = reference["batch.token_type_ids"] });
        AssertClose(reference["batch.token_classification.logits"], output.Logits, 1e-5, 0, "token_classification.logits");
    }

    [SharedDataFact]
    public void Sequence_classification_logits_match_hf()
    {
        var reference = References("tiny-bert");
        var dir = SharedData.Fixture("tiny-bert");
        var loaded = HfModel.Load(dir, options: new HfLoadOptions
        {
            ConfigFile = Path.Combine(dir, "sequence-classification", "config.json"),
            ExtraWeightFiles = [Path.Combine(dir, "sequence-classification", "head.safetensors")],
        });
        using var model = loaded.Model;
        Assert.IsType<BertForSequenceClassification>(model);
        Assert.Empty(loaded.Report.Missing);
        model.Module.eval();
        using var _ = no_grad();
        var output = model.Forward(new ModelBatch(reference["batch.input_ids"], reference["batch.attention_mask"]) { TokenTypeIds = reference["batch.token_type_ids"] });
        AssertClose(reference["batch.sequence_classification.logits"], output.Logits, 1e-5, 0, "sequence_classification.logits");
    }

    [SharedDataFact]
    public void Dropout_is_active_in_training_mode_only()
    {
        var reference = References("tiny-bert");
        using var model = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM).Model;
        var batch = new ModelBatch(reference["batch.input_ids"], reference["batch.attention_mask"]);
        using var _ = no_grad();
        model.Module.train();
        var a = model.Forward(batch).Logits;
        var b = model.Forward(batch).Logits;
        Assert.False(a.equal(b).all().item<bool>());
        model.Module.eval();
        Assert.True(model.Forward(batch).Logits.equal(model.Forward(batch).Logits).all().item<bool>());
    }

    internal static void AssertClose(Tensor expected, Tensor actual, double absolute, double relative, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var bound = absolute + relative * expected.abs();
        var error = (actual - expected).abs();
        var worst = (error - bound).max().item<float>();
        Assert.True(worst <= 0, $"{what}: max |Δ| = {error.max().item<float>():E3} exceeds the tolerance {absolute:E0} + {relative:E0}·|ref|");
    }
}
