using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Sft;

/// <summary>Writing a composed model as an HF directory.</summary>
public class HfModelExportTests
{
    [SharedDataFact]
    public void Composed_model_directory_has_base_config_and_tokenizer_and_the_new_weights()
    {
        var model = SftFixtures.TinyBert(tied: true);
        SftOperations.Apply(ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm")), model);
        var output = Path.Combine(SftFixtures.TempDir(), "composed");
        var written = HfModelExport.Write(SharedData.Fixture("tiny-bert"), model, output);

        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(["config.json", "generation_config.json", "model.safetensors", "reference.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"], files);
        Assert.Equal(File.ReadAllText(SharedData.Fixture("tiny-bert", "config.json")), File.ReadAllText(Path.Combine(output, "config.json")));

        // The tied aliases are written once, under the first name, as HF does (42 tensors, like the base file).
        Assert.Equal(42, written.Count);
        Assert.DoesNotContain("cls.predictions.decoder.weight", written);
        var saved = SafeTensorsFile.Read(Path.Combine(output, "model.safetensors"));
        Assert.Equal("pt", saved.Metadata["format"]);
        foreach (var (name, value) in SftFixtures.Expected("lang-mlm"))
            Assert.True(SftFixtures.BitwiseEqual(value, saved.Tensors[name]), name);

        // An existing directory is only replaced on request.
        Assert.Throws<InvalidInputException>(() => HfModelExport.Write(SharedData.Fixture("tiny-bert"), model, output));
        HfModelExport.Write(SharedData.Fixture("tiny-bert"), model, output, overwrite: true,
            replaceFiles: new Dictionary<string, string> { ["config.json"] = "{}" });
        Assert.Equal("{}", File.ReadAllText(Path.Combine(output, "config.json")));
    }
}
