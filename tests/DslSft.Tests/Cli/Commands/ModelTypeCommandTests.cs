using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli.Commands;

/// <summary>A checkpoint of an architecture the built-in models do not cover is a user error that names the known ones.</summary>
public sealed class ModelTypeCommandTests : CliCommandTestBase
{
    [SharedDataFact]
    public void An_unknown_model_type_exits_2_and_lists_the_known_types()
    {
        var model = Path.Combine(_dir, "distilbert");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(TinyBert).Where(f => Path.GetFileName(f) != "config.json"))
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(model, "config.json"),
            "{\"model_type\": \"distilbert\", \"architectures\": [\"DistilBertForMaskedLM\"], \"vocab_size\": 205, \"dim\": 32, \"n_layers\": 2, \"n_heads\": 2, \"hidden_dim\": 64}");
        var text = Write("corpus.txt", "the quick brown fox jumps over the lazy dog .\n");
        var r = DslSft.Tests.Cli.CliRunner.Run("train-lang", "-m", model, "--train", text, "--num-params", "5", "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'distilbert' is not a supported architecture (known model types: bert, camembert, roberta, xlm-roberta)", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }
}
