using System.Text.Json.Nodes;
using DslSft.Cli.Wiring;
using DslSft.Models.Import;
using DslSft.Tests.Import;

namespace DslSft.Tests.Cli.Commands;

/// <summary>`dslsft import --onnx` on the real all-MiniLM-L6-v2 ONNX file (from its NuGet package), checked against known facts of that model.</summary>
public sealed class ImportOnnxCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dslsft-cli-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [MiniLMFact]
    public void Imports_minilm_onnx_into_a_loadable_hf_directory_with_its_tokenizer()
    {
        var assembly = new ModelRegistry(_dir).AssemblyOf(BuiltinModels.MiniLM);
        var onnx = Path.Combine(_dir, "model.onnx");
        var vocab = Path.Combine(_dir, "vocab.txt");
        File.WriteAllBytes(onnx, AssemblyResourceReader.Read(assembly, BuiltinModels.MiniLM.OnnxResource).ToArray());
        File.WriteAllBytes(vocab, AssemblyResourceReader.Read(assembly, BuiltinModels.MiniLM.VocabResource).ToArray());
        var output = Path.Combine(_dir, "minilm");

        var r = CliRunner.Run("import", "--onnx", onnx, "--vocab", vocab, "-o", output, "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("onnx", (string)JsonNode.Parse(r.Stdout)!["kind"]!);

        // all-MiniLM-L6-v2 is a bare encoder (BertModel): load it under an MLM head, whose missing weights are simply initialised.
        using var model = BaseModel.Load(output, DslSft.Models.ModelHead.MaskedLM);
        // all-MiniLM-L6-v2: 6 layers of width 384 over BERT's uncased 30522-token vocabulary.
        Assert.Equal(384, model.Model.Config.HiddenSize);
        Assert.Equal(6, model.Model.Config.NumHiddenLayers);
        Assert.Equal(30522, model.Tokenizer.VocabularySize);
        Assert.Equal([101, 7592, 2088, 102], model.Tokenizer.Encode("Hello world").InputIds);
    }
}
