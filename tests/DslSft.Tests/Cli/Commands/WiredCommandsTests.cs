using System.Text.Json.Nodes;
using DslSft.Cli.Wiring;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// The wired commands end to end, in process, on the tiny-bert fixture: a few training steps each, outputs read
/// back with the library (not the CLI), exit codes, JSON, and what a failed run leaves behind (nothing).
/// </summary>
public sealed class WiredCommandsTests : CliCommandTestBase
{
    private static JsonNode Json(CliRunnerResult r) => JsonNode.Parse(r.Stdout)!;

    [SharedDataFact]
    public void Train_lang_writes_an_sft_with_exactly_K_entries_log_and_plot_and_json()
    {
        var text = Write("corpus.txt", string.Join("\n", Enumerable.Repeat("the quick brown fox jumps over the lazy dog .", 20)));
        var output = Path.Combine(_dir, "lang");
        var r = Run("train-lang", "-m", TinyBert, "--train", text, "--num-params", "50", "--full-steps", "3", "--sparse-steps", "3",
            "--max-length", "16", "--batch-size", "4", "-o", output, "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = Json(r);
        Assert.Equal(50, (long)json["k"]!);
        // 5% of 20 lines held out: one line is shorter than a 16-token block, so no validation sequences and no eval entry.
        Assert.Empty(json["evaluation"]!.AsObject());
        var sft = SftFile.Load(Path.Combine(output, SftPaths.SftFileName));
        Assert.Equal(50, sft.NonZeroCount);
        Assert.Equal(TinyBert, sft.Metadata.BaseModel);
        Assert.NotNull(sft.Metadata.BaseModelChecksum);
        Assert.True(File.Exists(Path.Combine(output, "train_log.jsonl")));
        Assert.True(File.Exists(Path.Combine(output, "loss.png")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoint")));
        // The frozen decoder and LayerNorms (language-SFT defaults) have no diffs.
        Assert.DoesNotContain(sft.Diffs.Keys, n => n.Contains("LayerNorm"));

        // A second run without --overwrite refuses (exit 2) and leaves the first output intact.
        var again = Run("train-lang", "-m", TinyBert, "--train", text, "--num-params", "50", "-o", output);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--overwrite", again.Stderr);
        Assert.Equal(50, SftFile.Load(Path.Combine(output, SftPaths.SftFileName)).NonZeroCount);

        // inspect reads it back: K per tensor sums to K; heatmap written.
        var png = Path.Combine(_dir, "k.png");
        var inspect = Run("inspect", output, "--heatmap", png, "--json", "-");
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Equal(50, (long)Json(inspect)["k"]!);
        Assert.Equal(50, Json(inspect)["tensors"]!["rows"]!.AsArray().Sum(row => (long)row!["K"]!));
        Assert.True(new FileInfo(png).Length > 100);
    }

    [SharedDataFact]
    public void Train_task_then_eval_scores_pos_and_an_sft_for_another_model_is_a_user_error()
    {
        var data = Conllu();
        var task = Path.Combine(_dir, "task");
        var r = Run("train-task", "-t", "pos", "-m", TinyBert, "--train", data, "--validation", data, "--num-params", "40",
            "--full-steps", "4", "--sparse-steps", "4", "--lr", "1e-2", "-o", task, "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sft = SftFile.Load(Path.Combine(task, SftPaths.SftFileName));
        Assert.Equal(40, sft.NonZeroCount);
        Assert.Contains("classifier.weight", sft.Abs.Keys);

        var eval = Run("eval", "-t", "pos", "-m", TinyBert, "--sft", task, "--data", data, "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var row = Json(eval)["rows"]![0]!;
        double accuracy = (double)row["accuracy"]!;
        Assert.InRange(accuracy, 0, 1);
        Assert.Equal(6, (long)row["examples"]!);

        // The same SFT against tiny-xlmr: another base model → exit 2, message, no stack trace.
        var wrong = Run("eval", "-t", "pos", "-m", SharedData.Fixture("tiny-xlmr"), "--sft", task, "--data", data);
        Assert.Equal(2, wrong.ExitCode);
        Assert.StartsWith("error:", wrong.Stderr);
        Assert.DoesNotContain("   at ", wrong.Stderr);
    }

    [SharedDataFact]
    public void Import_merge_compose_and_export_round_trip_the_composable_sft_fixture()
    {
        var lang = Path.Combine(_dir, "lang-imported");
        var imported = Run("import", "--sft-dir", SharedData.Fixture("composable-sft", "lang-mlm"), "-m", TinyBert, "-o", lang, "--json", "-");
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        var original = ComposableSftFile.Import(Path.Combine(SharedData.Fixture("composable-sft", "lang-mlm"), ComposableSftFile.FileName));
        var ours = SftFile.Load(Path.Combine(lang, SftPaths.SftFileName));
        Assert.Equal(original.NonZeroCount, ours.NonZeroCount);
        Assert.Equal(original.NonZeroCount, (long)Json(imported)["k"]!);

        // merge with itself doubles every value on the same support.
        var twice = Path.Combine(_dir, "twice");
        var merge = Run("merge", "--sft", lang, "--sft", lang, "-o", twice);
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        var merged = SftFile.Load(Path.Combine(twice, SftPaths.SftFileName));
        foreach (var (name, diff) in original.Diffs)
        {
            var (idx, values) = diff.ToArrays();
            var (cidx, cvalues) = merged.Diffs[name].ToArrays();
            Assert.Equal(idx, cidx);
            Assert.Equal(values.Select(v => v + v), cvalues);
        }

        // merge of one SFT with --storage re-stores it: same indices, values within the Q8_0 bound, recorded storage.
        var small = Path.Combine(_dir, "small");
        var restored = Run("merge", "--sft", lang, "-o", small, "--storage", "compact");
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        var smallPath = Path.Combine(small, SftPaths.SftFileName);
        Assert.Equal(SftStorage.Compact, SftFile.ReadStorage(smallPath));
        Assert.Equal(SftStorage.Full, SftFile.ReadStorage(Path.Combine(twice, SftPaths.SftFileName)));
        DslSft.Tests.Sft.SftCompactStorageTests.AssertWithinBound(ours, SftFile.Load(smallPath), smallPath);
        Assert.Equal(2, Run("merge", "--sft", lang, "-o", Path.Combine(_dir, "bad"), "--storage", "q3").ExitCode);

        // export: base + SFT → HF dir; its weights equal base + diff at the changed entries (read back independently).
        var exported = Path.Combine(_dir, "hf");
        var export = Run("export", "-m", TinyBert, "--sft", lang, "-o", exported);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.True(File.Exists(Path.Combine(exported, "vocab.txt")));
        var composed = Path.Combine(_dir, "composed");
        Assert.Equal(0, Run("compose", "-m", TinyBert, "--sft", lang, "-o", composed).ExitCode);
        using var baseModel = BaseModel.Load(TinyBert);
        using var after = BaseModel.Load(exported);
        var (name0, diff0) = original.Diffs.First(d => d.Value.Count > 0);
        var (indices, diffValues) = diff0.ToArrays();
        var before = baseModel.Parameters[name0].reshape(-1).data<float>().ToArray();
        var now = after.Parameters[name0].reshape(-1).data<float>().ToArray();
        for (int i = 0; i < indices.Length; i++) Assert.Equal(before[indices[i]] + diffValues[i], now[indices[i]]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(exported, "model.safetensors")), File.ReadAllBytes(Path.Combine(composed, "model.safetensors")));
    }

    [SharedDataFact]
    public void User_errors_exit_2_without_stack_trace_and_leave_nothing_behind()
    {
        var output = Path.Combine(_dir, "out");
        var missing = Run("train-lang", "-m", TinyBert, "--train", Path.Combine(_dir, "nope.txt"), "--num-params", "5", "-o", output);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.txt", missing.Stderr);

        var malformed = Write("bad.conllu", "1\tthe\tthe\tDET\n\n");
        var bad = Run("train-task", "-t", "pos", "-m", TinyBert, "--train", malformed, "--num-params", "5", "-o", output);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.conllu", bad.Stderr);
        Assert.DoesNotContain("   at ", bad.Stderr);

        var noSft = Run("inspect", Path.Combine(_dir, "missing-sft"));
        Assert.Equal(2, noSft.ExitCode);

        var noModel = Run("export", "-m", Path.Combine(_dir, "no-model"), "-o", output);
        Assert.Equal(2, noModel.ExitCode);

        var tooMany = Run("train-lang", "-m", TinyBert, "--train", Write("c.txt", "the dog runs"), "--num-params", "1000000000", "--line-by-line", "-o", output);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("maskable parameters", tooMany.Stderr);

        var otherModel = Run("import", "--sft-dir", SharedData.Fixture("composable-sft", "lang-mlm"), "-m", SharedData.Fixture("tiny-xlmr"), "-o", output);
        Assert.Equal(2, otherModel.ExitCode);
        Assert.DoesNotContain("   at ", otherModel.Stderr);

        var neither = Run("import", "-o", output);
        Assert.Equal(2, neither.ExitCode);
        var noOnnx = Run("import", "--onnx", Path.Combine(_dir, "model.onnx"), "-o", output);
        Assert.Equal(2, noOnnx.ExitCode);
        Assert.Contains("model.onnx", noOnnx.Stderr);

        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir).Where(p => Path.GetFileName(p).StartsWith('.')));
    }

    [SharedDataFact]
    public void Train_lang_reports_a_validation_loss_from_a_held_out_file()
    {
        var text = Write("corpus.txt", string.Join("\n", Enumerable.Repeat("the quick brown fox jumps over the lazy dog .", 12)));
        var held = Write("held.txt", string.Join("\n", Enumerable.Repeat("the lazy dog jumps over the quick brown fox .", 6)));
        var r = Run("train-lang", "-m", TinyBert, "--train", text, "--validation", held, "--line-by-line", "--proportion", "0.01",
            "--full-steps", "2", "--sparse-steps", "2", "--max-length", "16", "-o", Path.Combine(_dir, "lang"), "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        double loss = (double)Json(r)["evaluation"]!["loss"]!;
        // An MLM loss over a 205-token vocabulary from random weights: positive and finite.
        Assert.InRange(loss, 0.01, 50);
        var log = File.ReadAllLines(Path.Combine(_dir, "lang", "train_log.jsonl"));
        Assert.Contains(log, line => line.Contains("\"eval\""));
    }

    [SharedDataFact]
    public void Train_task_ner_infers_labels_and_eval_reports_span_f1()
    {
        var ner = Write("train.txt", string.Join("", Enumerable.Range(0, 5).Select(_ =>
            "the O\ndog B-PER\nruns O\nin O\nberlin B-LOC\n\n")));
        var task = Path.Combine(_dir, "ner");
        var r = Run("train-task", "-t", "ner", "-m", TinyBert, "--train", ner, "--num-params", "30", "--full-steps", "3", "--sparse-steps", "3", "-o", task);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sft = SftFile.Load(Path.Combine(task, SftPaths.SftFileName));
        // Labels inferred and sorted: B-LOC, B-PER, O.
        Assert.Equal("[\"B-LOC\",\"B-PER\",\"O\"]", sft.Metadata.TrainingArguments["labels"]);
        Assert.Equal(3, sft.Abs["classifier.weight"].shape[0]);
        var eval = Run("eval", "-t", "ner", "-m", TinyBert, "--sft", task, "--data", ner, "--json", "-");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var row = Json(eval)["rows"]![0]!;
        Assert.InRange((double)row["f1"]!, 0, 1);
        Assert.Equal(5, (long)row["examples"]!);
    }

    [SharedDataFact]
    public void Train_task_multi_source_config_applies_each_language_sft_and_rejects_bad_configs()
    {
        var data = Conllu();
        var lang = Path.Combine(_dir, "lang");
        Assert.Equal(0, Run("import", "--sft-dir", SharedData.Fixture("composable-sft", "lang-mlm"), "-m", TinyBert, "-o", lang).ExitCode);
        var config = Write("ms.json", $$"""
            { "en": { "sft": "lang", "data": { "train": "train.conllu", "max_train_samples": 4 } },
              "mt": { "data": { "train": "train.conllu", "validation": "train.conllu" } } }
            """);
        var output = Path.Combine(_dir, "ms");
        var r = Run("train-task", "-t", "pos", "-m", TinyBert, "--config", config, "--num-params", "20", "--full-steps", "3", "--sparse-steps", "3",
            "--batch-size", "2", "-o", output, "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        // 4 sentences from en (capped) + 6 from mt.
        Assert.Equal(10, (long)Json(r)["examples"]!);
        Assert.Equal(20, SftFile.Load(Path.Combine(output, SftPaths.SftFileName)).NonZeroCount);

        var broken = Write("broken.json", "{ \"en\": { \"data\": { } } }");
        var bad = Run("train-task", "-t", "pos", "-m", TinyBert, "--config", broken, "--num-params", "20", "-o", Path.Combine(_dir, "bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("data.train", bad.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Fact]
    public void Models_lists_the_builtin_minilm_as_json()
    {
        var r = Run("models", "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(Json(r)["models"]!.AsArray(), m => ((string)m!["name"]!).Contains("MiniLM"));
    }

    [Fact]
    public void A_wrong_model_name_lists_the_aliases_and_the_cache_searched()
    {
        var r = Run("eval", "-t", "pos", "-m", "nosuchmodel", "--data", Conllu());
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: nosuchmodel: not a model directory nor a known model name", r.Stderr);
        Assert.Contains("all-MiniLM-L6-v2 (aliases: minilm, sentence-transformers/all-MiniLM-L6-v2)", r.Stderr);
        Assert.Contains($"the cache searched for other names is {new DslSft.Models.Import.ModelRegistry().ModelsDirectory}", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    private static CliRunnerResult Run(params string[] args)
    {
        var r = DslSft.Tests.Cli.CliRunner.Run(args);
        return new CliRunnerResult(r.ExitCode, r.Stdout, r.Stderr);
    }

    private sealed record CliRunnerResult(int ExitCode, string Stdout, string Stderr);
}
