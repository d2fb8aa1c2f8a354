using System.Text.Json.Nodes;
using DslSft.Cli.Wiring;
using DslSft.Sft.Formats;
using DslSft.Tasks;
using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// train-task and eval for dependency parsing, NLI, sentence classification and QA, end to end in process on the
/// tiny-bert fixture with a few steps per phase: exit codes, --json fields, metrics in range, the label set stored in the
/// SFT, eval of the saved SFT reproducing train-task's validation scores on the same data, and bad input reported with
/// file and line (exit 2) leaving nothing behind.
/// </summary>
public sealed class TaskCommandsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string TinyBert => SharedData.Fixture("tiny-bert");

    private static readonly string[] Steps = ["--num-params", "40", "--full-steps", "3", "--sparse-steps", "3", "--lr", "1e-2", "--batch-size", "4"];

    /// <summary>Three parsed sentences, twice: relation subtypes (stripped), a multiword-token range (skipped), punctuation.</summary>
    private const string Treebank =
        "# text = the cat sleeps on the sofa.\n" +
        "1\tthe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n2\tcat\tcat\tNOUN\t_\t_\t3\tnsubj\t_\t_\n3\tsleeps\tsleep\tVERB\t_\t_\t0\troot\t_\t_\n" +
        "4\ton\ton\tADP\t_\t_\t6\tcase\t_\t_\n5\tthe\tthe\tDET\t_\t_\t6\tdet\t_\t_\n6\tsofa\tsofa\tNOUN\t_\t_\t3\tobl:on\t_\t_\n" +
        "7\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n" +
        "# text = children play in garden\n" +
        "1\tchildren\tchild\tNOUN\t_\t_\t2\tnsubj\t_\t_\n2-3\tplayin\t_\t_\t_\t_\t_\t_\t_\t_\n2\tplay\tplay\tVERB\t_\t_\t0\troot\t_\t_\n" +
        "3\tin\tin\tADP\t_\t_\t4\tcase\t_\t_\n4\tgarden\tgarden\tNOUN\t_\t_\t2\tobl\t_\t_\n\n" +
        "# text = we need bread and water .\n" +
        "1\twe\twe\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tneed\tneed\tVERB\t_\t_\t0\troot\t_\t_\n3\tbread\tbread\tNOUN\t_\t_\t2\tobj\t_\t_\n" +
        "4\tand\tand\tCCONJ\t_\t_\t5\tcc\t_\t_\n5\twater\twater\tNOUN\t_\t_\t3\tconj\t_\t_\n6\t.\t.\tPUNCT\t_\t_\t2\tpunct:x\t_\t_\n\n";

    private const string NliTsv =
        "sentence1\tsentence2\tgold_label\n" +
        "the dog sleeps\tthe dog sleeps on the sofa\tneutral\n" +
        "the cat sleeps\tthe cat is nice\tneutral\n" +
        "the sun shines\tthe sun shines\tentailment\n" +
        "we need bread\twe need bread and water\tneutral\n" +
        "the house is small\tthe house is small\tentailment\n" +
        "the dog sleeps\tthe dog is quick\tcontradiction\n" +
        "the fox is quick\tthe fox is lazy\tcontradiction\n" +
        "children play\tchildren play\tentailment\n" +
        "the sea is nice\tthe sea is small but cozy\tneutral\n";

    [SharedDataFact]
    public void Dp_trains_a_biaffine_head_and_eval_reproduces_its_validation_scores()
    {
        var data = _files.Text("train.conllu", Treebank + Treebank);
        var output = _files.PathOf("dp");
        var r = Run(["train-task", "-t", "dp", "-m", TinyBert, "--train", data, "--validation", data, .. Steps, "-o", output, "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = Json(r);
        Assert.Equal("dp", (string?)json["task"]);
        Assert.Equal(6, (long)json["examples"]!);
        Assert.Equal(40, (long)json["k"]!);
        Assert.Equal("greedy heads, punctuation included", (string?)json["validation"]!["scoring"]);
        var validation = json["validation"]!["rows"]![0]!;
        double uas = (double)validation["uas"]!, las = (double)validation["las"]!;
        Assert.InRange(uas, 0, 1);
        Assert.InRange(las, 0, uas);
        // 34 scored words: UAS is a whole number of them.
        Assert.Equal(Math.Round(uas * 34), uas * 34, 9);

        var sft = SftFile.Load(Path.Combine(output, SftPaths.SftFileName));
        Assert.Equal(40, sft.NonZeroCount);
        Assert.Equal(UdLabels.Relations.ToJson(), sft.Metadata.TrainingArguments["labels"]);
        Assert.Equal(UdLabels.Relations.Count, sft.Abs["parser.rel_attention.weight"].shape[0]);
        Assert.All(sft.Abs.Keys, name => Assert.StartsWith("parser.", name));

        var eval = Run("eval", "-t", "dp", "-m", TinyBert, "--sft", output, "--data", data, "--batch-size", "4", "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        AssertSameScores(validation, Json(eval)["rows"]![0]!, "examples", "uas", "las");

        var mst = Json(Run("eval", "-t", "dp", "-m", TinyBert, "--sft", output, "--data", data, "--mst", "--no-punct", "--json", "-"));
        Assert.Equal("MST heads, punctuation excluded", (string?)mst["scoring"]);
        double noPunctUas = (double)mst["rows"]![0]!["uas"]!;
        Assert.Equal(Math.Round(noPunctUas * 30), noPunctUas * 30, 9); // 4 gold punct words left out

        // compose writes base + SFT as one dense model: scoring it without SFTs gives the same numbers.
        var composed = _files.PathOf("model");
        Assert.Equal(0, Run("compose", "-m", TinyBert, "--sft", output, "-o", composed).ExitCode);
        var dense = Run("eval", "-t", "dp", "-m", composed, "--data", data, "--batch-size", "4", "--json", "-");
        Assert.True(dense.ExitCode == 0, dense.Stderr);
        AssertSameScores(validation, Json(dense)["rows"]![0]!, "examples", "uas", "las");
        Assert.DoesNotContain("randomly initialised", dense.Stderr);
        // The parser's relation names are in config.json (num_labels their number, so HF reads id2label whole).
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(composed, "config.json")))!;
        Assert.Equal(UdLabels.Relations.Count, (int)config["num_labels"]!);
        Assert.Equal(UdLabels.Relations.Labels, Enumerable.Range(0, UdLabels.Relations.Count).Select(i => (string)config["id2label"]![i.ToString()]!));
    }

    [SharedDataFact]
    public void Dp_trains_on_real_ud_sentences_with_mst_validation()
    {
        // Short sentences of English EWT dev (multiword tokens, subtypes and all), so that they fit tiny-bert's 64 positions.
        var blocks = File.ReadAllText(SharedData.Ud("en_ewt-ud-dev.conllu")).Split("\n\n")
            .Where(b => b.Split('\n').Count(l => l.Length > 0 && char.IsDigit(l[0]) && !l.Split('\t')[0].Contains('-')) is >= 3 and <= 6)
            .Take(8).ToList();
        var data = _files.Text("ewt.conllu", string.Join("\n\n", blocks) + "\n\n");
        var r = Run(["train-task", "-t", "dp", "-m", TinyBert, "--train", data, "--validation", data, "--decode", "mst", .. Steps, "-o", _files.PathOf("dp"), "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = Json(r);
        Assert.Equal(8, (long)json["examples"]! + (long)json["dropped"]!);
        Assert.StartsWith("MST heads", (string?)json["validation"]!["scoring"]);
        Assert.InRange((double)json["validation"]!["rows"]![0]!["las"]!, 0, 1);
    }

    [SharedDataFact]
    public void Nli_infers_sorted_labels_trains_the_pooler_densely_and_eval_reproduces_accuracy()
    {
        var data = _files.Text("nli.tsv", NliTsv);
        var output = _files.PathOf("nli");
        var r = Run(["train-task", "-t", "nli", "-m", TinyBert, "--train", data, "--validation", data, .. Steps, "-o", output, "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var validation = Json(r)["validation"]!["rows"]![0]!;
        Assert.Equal(9, (long)validation["examples"]!);
        double accuracy = (double)validation["accuracy"]!;
        Assert.Equal(Math.Round(accuracy * 9), accuracy * 9, 9);

        var sft = SftFile.Load(Path.Combine(output, SftPaths.SftFileName));
        Assert.Equal("[\"contradiction\",\"entailment\",\"neutral\"]", sft.Metadata.TrainingArguments["labels"]);
        Assert.Equal([3L, 32], sft.Abs["classifier.weight"].shape);
        // tiny-bert is a masked-LM checkpoint without a pooler: the new pooler cannot be a diff, so the SFT holds it whole.
        Assert.Contains("bert.pooler.dense.weight", sft.Abs.Keys);
        Assert.DoesNotContain(sft.Diffs.Keys, n => n.Contains("pooler"));

        var eval = Run("eval", "-t", "nli", "-m", TinyBert, "--sft", output, "--data", data, "--batch-size", "4", "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        AssertSameScores(validation, Json(eval)["rows"]![0]!, "examples", "accuracy");

        // Gold labels the head does not know cannot be scored: left out of the accuracy, and said so.
        var unknown = _files.Text("unknown.tsv", "premise\thypothesis\tlabel\nthe dog\tthe cat\tmaybe\nthe sun\tthe sea\tneutral\n");
        var partly = Run("eval", "-t", "nli", "-m", TinyBert, "--sft", output, "--data", unknown, "--json", "-");
        Assert.Equal(1L, (long)Json(partly)["rows"]![0]!["examples"]!);
        Assert.Contains($"note: {unknown}: 1 gold labels outside the head's label set", partly.Stderr);
    }

    [SharedDataFact]
    public void Nli_multi_source_config_trains_on_both_sources_and_scores_each_validation_file()
    {
        _files.Text("nli.tsv", NliTsv);
        var config = _files.Text("ms.json", """
            { "en": { "data": { "train": "nli.tsv", "max_train_samples": 4 } },
              "de": { "data": { "train": "nli.tsv", "validation": "nli.tsv", "max_eval_samples": 5 } } }
            """);
        var r = Run(["train-task", "-t", "nli", "-m", TinyBert, "--config", config, .. Steps, "-o", _files.PathOf("ms"), "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = Json(r);
        Assert.Equal(4 + 9, (long)json["examples"]!);
        var row = Assert.Single(json["validation"]!["rows"]!.AsArray())!;
        Assert.Equal(("de: nli.tsv", 5L), ((string?)row["data"], (long)row["examples"]!));
    }

    [SharedDataFact]
    public void Sc_reads_integer_jsonl_labels_through_a_labels_file_and_eval_reproduces_accuracy()
    {
        var data = _files.Text("sa.jsonl", string.Join("\n", new[]
        {
            "{\"text\": \"the weather is very nice\", \"label\": 1}", "{\"text\": \"the dog is lazy\", \"label\": 0}",
            "{\"text\": \"small but cozy\", \"label\": 1}", "{\"text\": \"the coffee is cold\", \"label\": 0}",
            "{\"text\": \"the garden is nice\", \"label\": \"positive\"}", "{\"text\": \"lazy and small\", \"label\": 0}",
        }) + "\n");
        var labels = _files.Text("labels.txt", "negative\npositive\n");
        var output = _files.PathOf("sc");
        var r = Run(["train-task", "-t", "sc", "-m", TinyBert, "--train", data, "--validation", data, "--labels", labels, .. Steps, "-o", output, "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var validation = Json(r)["validation"]!["rows"]![0]!;
        Assert.Equal(6, (long)validation["examples"]!);
        Assert.Equal("[\"negative\",\"positive\"]", SftFile.Load(Path.Combine(output, SftPaths.SftFileName)).Metadata.TrainingArguments["labels"]);

        var eval = Run("eval", "-t", "sc", "-m", TinyBert, "--sft", output, "--data", data, "--batch-size", "4", "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        AssertSameScores(validation, Json(eval)["rows"]![0]!, "examples", "accuracy");
        Assert.Contains("eval (sc)", Run("eval", "-t", "sc", "-m", TinyBert, "--sft", output, "--data", data).Stdout);
    }

    [SharedDataFact]
    public void Qa_trains_on_windows_and_eval_scores_each_question_once_over_its_windows()
    {
        var data = _files.Text("squad.json", Squad("the sofa", 18));
        var output = _files.PathOf("qa");
        var r = Run(["train-task", "-t", "qa", "-m", TinyBert, "--train", data, "--validation", data, "--max-length", "24", "--doc-stride", "4",
            .. Steps, "-o", output, "--json", "-"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = Json(r);
        var validation = json["validation"]!["rows"]![0]!;
        // Training sees windows; scoring sees each of the three questions once.
        Assert.True((long)json["examples"]! > 3, $"{json["examples"]} windows");
        Assert.Equal(3, (long)validation["examples"]!);
        double em = (double)validation["exact_match"]!, f1 = (double)validation["f1"]!;
        Assert.InRange(em, 0, 1);
        Assert.InRange(f1, em, 1);
        Assert.Equal("4", SftFile.Load(Path.Combine(output, SftPaths.SftFileName)).Metadata.TrainingArguments["doc_stride"]);

        var eval = Run("eval", "-t", "qa", "-m", TinyBert, "--sft", output, "--data", data, "--max-length", "24", "--doc-stride", "4",
            "--batch-size", "4", "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        AssertSameScores(validation, Json(eval)["rows"]![0]!, "examples", "exact_match", "f1");
    }

    [SharedDataFact]
    public void Dp_unknown_relation_in_training_data_is_a_user_error_at_its_line()
    {
        var data = _files.Text("bad.conllu", Treebank.Replace("\tobl\t", "\tbogus:x\t"));
        var output = _files.PathOf("out");
        var r = Run(["train-task", "-t", "dp", "-m", TinyBert, "--train", data, .. Steps, "-o", output]);
        AssertUserError(r, $"error: {data}:15: unknown label 'bogus' (expected one of: _, acl, advcl, advmod,", output);

        // Bad validation data fails before training, so nothing is written either.
        var broken = _files.Text("broken.conllu", "1\tthe\tthe\tDET\t_\t_\t0\n");
        var v = Run(["train-task", "-t", "dp", "-m", TinyBert, "--train", _files.Text("good.conllu", Treebank), "--validation", broken, .. Steps, "-o", output]);
        AssertUserError(v, $"error: {broken}:1: expected 10 tab-separated columns, found 7", output);
    }

    [SharedDataFact]
    public void Nli_tsv_without_hypothesis_column_or_with_a_short_row_is_a_user_error()
    {
        var output = _files.PathOf("out");
        var noHypothesis = _files.Text("p.tsv", "premise\tlabel\nthe dog\tneutral\n");
        AssertUserError(Run(["train-task", "-t", "nli", "-m", TinyBert, "--train", noHypothesis, .. Steps, "-o", output]),
            $"error: {noHypothesis}:1: expected a second-text column named one of: hypothesis, sentence2, text_b; found: premise, label", output);
        var shortRow = _files.Text("s.tsv", "premise\thypothesis\tlabel\nthe dog\tthe cat\tneutral\nthe sun\tentailment\n");
        AssertUserError(Run(["train-task", "-t", "nli", "-m", TinyBert, "--train", shortRow, .. Steps, "-o", output]),
            $"error: {shortRow}:3: expected 3 tab-separated columns (as in the header), found 2", output);
    }

    [SharedDataFact]
    public void Sc_jsonl_line_without_label_is_a_user_error()
    {
        var output = _files.PathOf("out");
        var data = _files.Text("sa.jsonl", "{\"text\": \"nice\", \"label\": \"positive\"}\n{\"text\": \"lazy\"}\n");
        AssertUserError(Run(["train-task", "-t", "sc", "-m", TinyBert, "--train", data, .. Steps, "-o", output]),
            $"error: {data}:2: expected a label field named one of: label, gold_label", output);
    }

    [SharedDataFact]
    public void Qa_answer_not_in_context_or_missing_is_a_user_error()
    {
        var output = _files.PathOf("out");
        // "the sofa" starts at 18, not 19: the reader compares the text at answer_start.
        var shifted = _files.Text("shifted.json", Squad("the sofa", 19));
        AssertUserError(Run(["train-task", "-t", "qa", "-m", TinyBert, "--train", shifted, .. Steps, "-o", output]),
            $"error: {shifted}:5: answer text \"the sofa\" does not match the context at answer_start 19 (found \"he sofa.\")", output);
        var unanswered = _files.Text("unanswered.json", Squad("the sofa", 18).Replace("""{"text": "the dog", "answer_start": 28}""", ""));
        AssertUserError(Run(["train-task", "-t", "qa", "-m", TinyBert, "--train", unanswered, .. Steps, "-o", output]),
            $"error: {unanswered}:6: question q2 has no answer (training data needs one, or \"is_impossible\": true)", output);
    }

    [SharedDataFact]
    public void Options_of_another_task_and_an_sft_of_another_task_are_user_errors()
    {
        var conllu = _files.Text("d.conllu", Treebank);
        var output = _files.PathOf("out");
        AssertUserError(Run(["train-task", "-t", "pos", "-m", TinyBert, "--train", conllu, "--no-punct", .. Steps, "-o", output]),
            "error: --no-punct does not apply to --task pos (only to dp)", output);
        AssertUserError(Run("eval", "-t", "dp", "-m", TinyBert, "--data", conllu, "--doc-stride", "8"),
            "error: --doc-stride does not apply to --task dp (only to qa)", output);

        var pos = _files.PathOf("pos");
        Assert.Equal(0, Run(["train-task", "-t", "pos", "-m", TinyBert, "--train", conllu, .. Steps, "-o", pos]).ExitCode);
        AssertUserError(Run("eval", "-t", "dp", "-m", TinyBert, "--sft", pos, "--data", conllu), $"error: {pos}: this --sft was trained for --task pos, not dp", output);
    }

    /// <summary>
    /// A SQuAD file with three questions over one context, the first answer given as <paramref name="answer"/> at
    /// <paramref name="start"/>. Line 5 holds the first answer, line 6 the second question.
    /// </summary>
    private static string Squad(string answer, int start) => $$"""
        {"version": "1.1", "data": [{"title": "home",
          "paragraphs": [{
            "context": "the cat sleeps on the sofa. the dog sleeps on the sofa too. children play in the garden. we need bread and water. the garden is small but cozy.",
            "qas": [{"id": "q1", "question": "where does the cat sleep?",
              "answers": [{"text": "{{answer}}", "answer_start": {{start}}}]},
              {"id": "q2", "question": "who sleeps on the sofa too?", "answers": [{"text": "the dog", "answer_start": 28}]},
              {"id": "q3", "question": "what do we need?", "answers": [{"text": "bread and water", "answer_start": 97}]}]}]}]}
        """;

    private void AssertUserError(DslSft.Tests.Cli.CliRunner.Result r, string expectedStart, string output)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith(expectedStart, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(Directory.Exists(output));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_files.Root), p => Path.GetFileName(p).StartsWith('.'));
    }

    private static void AssertSameScores(JsonNode expected, JsonNode actual, params string[] fields)
    {
        foreach (var field in fields) Assert.Equal((double)expected[field]!, (double)actual[field]!);
    }

    private static DslSft.Tests.Cli.CliRunner.Result Run(params string[] args) => DslSft.Tests.Cli.CliRunner.Run(args);

    private static JsonNode Json(DslSft.Tests.Cli.CliRunner.Result r) => JsonNode.Parse(r.Stdout)!;
}
