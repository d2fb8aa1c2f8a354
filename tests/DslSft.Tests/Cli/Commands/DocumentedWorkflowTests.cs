using System.Text.Json.Nodes;
using DslSft.Cli.Wiring;
using DslSft.Sft.Formats;
using DslSft.Tasks;
using DslSft.Tests.Infrastructure;
using static DslSft.Tests.Cli.CliRunner;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// The README's workflow run from the command line on tiny-bert: a language SFT, a task SFT trained with it, then
/// compose (and merge + compose) of the two, whose dense model scores exactly what eval scores with the SFTs applied;
/// the label names reach config.json, and only config, weights and tokenizer files are written.
/// </summary>
public sealed class DocumentedWorkflowTests : CliCommandTest
{
    /// <summary>tiny-bert copied, with files beside it that are neither config, tokenizer nor weights.</summary>
    private string BaseWithStrayFiles()
    {
        var dir = Files.PathOf("base");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.EnumerateFiles(TinyBert)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(dir, "README.md"), "# a model card\n");
        File.WriteAllText(Path.Combine(dir, "train_log.jsonl"), "{}\n");
        return dir;
    }

    [SharedDataFact]
    public void Readme_sequence_lang_then_task_then_compose_scores_what_eval_scores_with_the_sfts()
    {
        var model = BaseWithStrayFiles();
        var text = Files.Text("corpus.txt", string.Join("\n", Enumerable.Repeat("the quick brown fox jumps over the lazy dog .", 20)));
        var data = Files.Text("pos.conllu", TwoSentences + TwoSentences + TwoSentences);
        var lang = Files.PathOf("lang");
        var task = Files.PathOf("task");
        Succeed(["train-lang", "-m", model, "--train", text, "--num-params", "50", "--max-length", "16", .. FewSteps, "-o", lang]);
        Assert.Contains(SftFile.Load(Path.Combine(lang, SftPaths.SftFileName)).Abs.Keys, n => n.StartsWith("cls.predictions.", StringComparison.Ordinal));
        Succeed(["train-task", "-t", "pos", "-m", model, "--train", data, "--sft", lang, "--num-params", "40", .. FewSteps, "-o", task]);

        // The README's compose: the language SFT's MLM head does not belong to the token classifier and is left out, as eval leaves it out.
        var composed = Files.PathOf("composed");
        var compose = Succeed("compose", "-m", model, "--sft", lang, "--sft", task, "-o", composed, "--json", "-");
        Assert.Equal("TokenClassification", (string?)compose.Json()["head"]);
        Assert.Equal(2, (int)compose.Json()["absTensors"]!); // classifier weight and bias, not the 4-5 cls.predictions tensors

        var withSfts = Succeed("eval", "-t", "pos", "-m", model, "--sft", lang, "--sft", task, "--data", data, "--json", "-").Json()["rows"]![0]!;
        var dense = Succeed("eval", "-t", "pos", "-m", composed, "--data", data, "--json", "-").Json()["rows"]![0]!;
        Assert.Equal(6L, (long)dense["examples"]!);
        Assert.Equal((double)withSfts["accuracy"]!, (double)dense["accuracy"]!);

        // Only config, weights and tokenizer files: the base directory's model card and log stay behind.
        var written = Directory.EnumerateFiles(composed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var tokenizer = Directory.EnumerateFiles(model).Select(Path.GetFileName).Where(n => DslSft.Models.HfModelExport.TokenizerFiles.Contains(n)).ToList();
        Assert.NotEmpty(tokenizer);
        Assert.Equal(new[] { "config.json", "model.safetensors" }.Concat(tokenizer!).Order(StringComparer.Ordinal), written);

        // The label names reach config.json, in the head's order, both ways round.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(composed, "config.json")))!;
        Assert.Equal(UdLabels.Upos.Count, (int)config["num_labels"]!);
        for (int i = 0; i < UdLabels.Upos.Count; i++)
        {
            Assert.Equal(UdLabels.Upos[i], (string?)config["id2label"]![i.ToString()]);
            Assert.Equal(i, (int)config["label2id"]![UdLabels.Upos[i]]!);
        }

        // A merged lang+task SFT composes the same way and scores the same.
        var merged = Files.PathOf("merged");
        Succeed("merge", "--sft", lang, "--sft", task, "-o", merged);
        var fromMerged = Files.PathOf("composed-merged");
        Succeed("compose", "-m", model, "--sft", merged, "-o", fromMerged);
        var mergedRow = Succeed("eval", "-t", "pos", "-m", fromMerged, "--data", data, "--json", "-").Json()["rows"]![0]!;
        Assert.Equal((double)withSfts["accuracy"]!, (double)mergedRow["accuracy"]!);
        Assert.Equal(File.ReadAllText(Path.Combine(composed, "config.json")), File.ReadAllText(Path.Combine(fromMerged, "config.json")));
    }

    [SharedDataFact]
    public void Exported_nli_model_keeps_its_label_names_and_eval_needs_no_labels()
    {
        var tsv = Files.Text("nli.tsv", "premise\thypothesis\tlabel\n" +
            "the dog sleeps\tthe dog sleeps on the sofa\tneutral\nthe sun shines\tthe sun shines\tentailment\n" +
            "the fox is quick\tthe fox is lazy\tcontradiction\nchildren play\tchildren play\tentailment\n");
        var task = Files.PathOf("nli");
        Succeed(["train-task", "-t", "nli", "-m", TinyBert, "--train", tsv, "--num-params", "30", .. FewSteps, "-o", task]);
        var exported = Files.PathOf("hf");
        Succeed("export", "-m", TinyBert, "--sft", task, "-o", exported);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(exported, "config.json")))!;
        Assert.Equal("""{"0":"contradiction","1":"entailment","2":"neutral"}""", config["id2label"]!.ToJsonString());
        Assert.Equal("""{"contradiction":0,"entailment":1,"neutral":2}""", config["label2id"]!.ToJsonString());
        Assert.Equal(["contradiction", "entailment", "neutral"], ConfigLabels.Read(Path.Combine(exported, "config.json"))!.Labels);

        var withSft = Succeed("eval", "-t", "nli", "-m", TinyBert, "--sft", task, "--data", tsv, "--json", "-").Json()["rows"]![0]!;
        var dense = Succeed("eval", "-t", "nli", "-m", exported, "--data", tsv, "--json", "-").Json()["rows"]![0]!;
        Assert.Equal(4L, (long)dense["examples"]!);
        Assert.Equal((double)withSft["accuracy"]!, (double)dense["accuracy"]!);
    }

    [Fact]
    public void Config_labels_read_back_what_was_written_and_placeholders_read_as_none()
    {
        var config = new JsonObject { ["id2label"] = new JsonObject { ["0"] = "LABEL_0", ["1"] = "LABEL_1" } };
        var path = Files.Text("config.json", config.ToJsonString());
        Assert.Null(ConfigLabels.Read(path));

        ConfigLabels.Write(config, new LabelVocabulary(["B-PER", "I-PER", "O"]));
        File.WriteAllText(path, config.ToJsonString());
        Assert.Equal(["B-PER", "I-PER", "O"], ConfigLabels.Read(path)!.Labels);
        Assert.Equal(2, (int)config["label2id"]!["O"]!);

        // Ids that are not 0..n-1 name the file.
        var gap = Files.Text("gap.json", """{"id2label": {"0": "a", "2": "b"}}""");
        var e = Assert.Throws<InvalidInputException>(() => ConfigLabels.Read(gap));
        Assert.Contains(gap, e.Message);
        Assert.Contains("'2'", e.Message);
    }
}
