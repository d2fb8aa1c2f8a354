using DslSft.IO.Formats;
using DslSft.Models;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tests.Infrastructure;
using DslSft.Tests.Sft;

namespace DslSft.Tests.Models;

/// <summary>Writing a composed model as an HF directory with the library's one exporter.</summary>
public class HfModelExportTests
{
    [SharedDataFact]
    public void Composed_model_directory_has_the_config_the_tokenizer_and_the_new_weights()
    {
        var baseDirectory = SharedData.Fixture("tiny-bert");
        using var model = HfModel.Load(baseDirectory, ModelHead.MaskedLM).Model;
        SftOperations.Apply(ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm")), ParameterTable.Build(model).Tensors);
        var output = Path.Combine(SftFixtures.TempDir(), "composed");
        var baseConfig = File.ReadAllText(Path.Combine(baseDirectory, "config.json"));
        HfModelExport.Write(model, output, baseConfig, tokenizerDirectory: baseDirectory);

        // config.json, the weights and the tokenizer files; the base's other files (reference.json, ...) stay behind.
        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"], files);
        Assert.Equal(File.ReadAllBytes(Path.Combine(baseDirectory, "vocab.txt")), File.ReadAllBytes(Path.Combine(output, "vocab.txt")));

        // The tied aliases are written once, under the first name, as HF does (42 tensors, like the base file).
        var saved = SafeTensorsFile.Read(Path.Combine(output, "model.safetensors"));
        Assert.Equal("pt", saved.Metadata["format"]);
        Assert.Equal(42, saved.Tensors.Count);
        Assert.DoesNotContain("cls.predictions.decoder.weight", saved.Tensors.Keys);
        foreach (var (name, value) in SftFixtures.Expected("lang-mlm"))
            if (saved.Tensors.TryGetValue(name, out var written)) Assert.True(SftFixtures.BitwiseEqual(value, written), name);

        // The export loads back as the same model.
        var reloaded = HfModel.Load(output, ModelHead.MaskedLM);
        Assert.True(reloaded.Report.IsComplete, reloaded.Report.ToString());
        reloaded.Model.Dispose();

        // An existing directory is only replaced on request.
        Assert.Throws<InvalidInputException>(() => HfModelExport.Write(model, output, overwrite: false));
        HfModelExport.Write(model, output, overwrite: true);
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(output).Select(Path.GetFileName).Order().ToArray());
    }
}
