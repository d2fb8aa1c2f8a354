using System.Text.Json;
using DslSft.Models;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Sft;

/// <summary>
/// End to end against composable-sft: the DSL-built tiny BERT with an imported SFT applied gives the logits the
/// original Python code produced (expected_outputs.json, 7 significant digits), within the fixture README's tolerances.
/// </summary>
public class SftModelOutputTests
{
    [SharedDataFact]
    public void Lang_sft_on_the_tied_mlm_model_reproduces_composable_sft_logits()
    {
        using var model = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM).Model;
        var parameters = model.HfParameters().ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value);
        // The model's view ties the decoder to the word embeddings, as HF's BertForMaskedLM does.
        Assert.Equal(DslSft.Native.TensorMemory.Address(parameters["bert.embeddings.word_embeddings.weight"], ScalarType.Float32),
                     DslSft.Native.TensorMemory.Address(parameters["cls.predictions.decoder.weight"], ScalarType.Float32));
        var before = Logits(model);

        var applied = SftOperations.Apply(ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm")), parameters);
        AssertClose(Expected("lang-mlm"), Logits(model), absolute: 1e-5, relative: 1e-5);

        applied.Revert();
        Assert.True(Logits(model).equal(before).all().item<bool>(), "revert restores the model's outputs exactly");
    }

    [SharedDataFact]
    public void Task_sft_on_the_token_classifier_reproduces_composable_sft_logits()
    {
        var dir = SharedData.Fixture("tiny-bert");
        using var model = HfModel.Load(dir, options: new HfLoadOptions { ConfigFile = Path.Combine(dir, "token-classification", "config.json") }).Model;
        var parameters = model.HfParameters().ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value);

        // The classifier's initial values do not matter: the SFT's abs tensors replace them.
        SftOperations.Apply(ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls")), parameters);
        AssertClose(Expected("task-tokcls"), Logits(model), absolute: 1e-5, relative: 0);
    }

    private static Tensor Logits(ITransformerModel model)
    {
        var reference = SafeTensorsFile.Read(SharedData.Fixture("tiny-bert", "reference_outputs.safetensors")).Tensors;
        model.Module.eval();
        using var _ = no_grad();
        return model.Forward(new ModelBatch(reference["batch.input_ids"], reference["batch.attention_mask"])
        {
            TokenTypeIds = reference["batch.token_type_ids"],
        }).Logits;
    }

    private static Tensor Expected(string fixture)
    {
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SftFixtures.Dir(fixture), "expected_outputs.json"))).RootElement;
        var shape = json.GetProperty("shape_logits").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var values = new List<float>();
        Flatten(json.GetProperty("logits"), values);
        return tensor(values.ToArray()).reshape(shape);
    }

    private static void Flatten(JsonElement node, List<float> into)
    {
        if (node.ValueKind == JsonValueKind.Array) foreach (var child in node.EnumerateArray()) Flatten(child, into);
        else into.Add((float)node.GetDouble());
    }

    private static void AssertClose(Tensor expected, Tensor actual, double absolute, double relative)
    {
        Assert.Equal(expected.shape, actual.shape);
        var error = (actual - expected).abs();
        var excess = (error - (absolute + relative * expected.abs())).max().item<float>();
        Assert.True(excess <= 0, $"max |Δ| = {error.max().item<float>():E3} exceeds {absolute:E0} + {relative:E0}·|ref|");
    }
}
