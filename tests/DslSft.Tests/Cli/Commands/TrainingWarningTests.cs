using DslSft.Cli.Wiring;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;
using static DslSft.Tests.Cli.CliRunner;

namespace DslSft.Tests.Cli.Commands;

/// <summary>train-lang and train-task warn when more than half of K falls in a single tensor.</summary>
public sealed class TrainingWarningTests : CliCommandTest
{
    [SharedDataFact]
    public void Training_warns_exactly_when_more_than_half_of_K_is_in_one_tensor()
    {
        var text = Files.Text("corpus.txt", string.Join("\n", Enumerable.Repeat("the quick brown fox jumps over the lazy dog .", 20)));
        var lang = Files.PathOf("lang");
        var r = Succeed(["train-lang", "-m", TinyBert, "--train", text, "--num-params", "50", "--max-length", "16", .. FewSteps, "-o", lang]);
        var footprint = SftFootprint.Of(SftFile.Load(Path.Combine(lang, SftPaths.SftFileName)));
        var warning = SftTraining.ConcentrationWarning(footprint);
        Assert.Equal(footprint.IsConcentrated, warning is not null);
        if (warning is null) Assert.DoesNotContain("warning:", r.Stderr);
        else Assert.Contains(warning, r.Stderr);
    }

    [Fact]
    public void The_concentration_warning_names_the_tensor_and_its_share()
    {
        // 30 of 50 (60%) in the word embeddings: warned, with the share and the tensor's name.
        var lopsided = SftFootprint.Of([("bert.embeddings.word_embeddings.weight", 30L), ("bert.encoder.layer.0.attention.self.query.weight", 20L)]);
        Assert.Equal("warning: 60.0% of K (30 of 50 changed parameters) falls in one tensor, 'bert.embeddings.word_embeddings.weight'; " +
                     "see `dslsft inspect` for where the rest lies", SftTraining.ConcentrationWarning(lopsided));
        // Exactly half is not more than half.
        Assert.Null(SftTraining.ConcentrationWarning(SftFootprint.Of([("a.layer.0.x", 25L), ("a.layer.1.x", 25L)])));
        Assert.Null(SftTraining.ConcentrationWarning(SftFootprint.Of([("a.layer.0.x", 20L), ("a.layer.1.x", 15L), ("a.layer.2.x", 15L)])));
    }
}
