using System.Text.Json;
using System.Text.Json.Nodes;
using DslSft.Cli.Commands;
using DslSft.Cli.Wiring;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;
using DslSft.Training;

namespace DslSft.Tests.Cli.Commands;

/// <summary>
/// What the library can do, the CLI can do: the LT-SFT options train-lang and train-task share (--optimizer,
/// --selection, --eval-every/--best-metric, --freeze-head, --untie-embeddings), export --format composable-sft and
/// eval -t mlm, end to end on the tiny-bert fixture, outputs read back with the library.
/// </summary>
public sealed class LtSftOptionsCommandTests : CliCommandTestBase
{
    private string Corpus() => Write("corpus.txt", string.Join("\n", Enumerable.Range(0, 16).Select(i => $"the quick brown fox {i} jumps over the lazy dog .")));

    private string Held() => Write("held.txt", string.Join("\n", Enumerable.Range(0, 6).Select(i => $"the lazy dog {i} jumps over the quick brown fox .")));

    private string[] TrainLang(string output, params string[] extra) =>
        ["train-lang", "-m", TinyBert, "--train", Corpus(), "--line-by-line", "--max-length", "16", "--batch-size", "4", "-o", output, .. extra];

    private static SparseFineTuning Sft(string output) => SftFile.Load(Path.Combine(output, SftPaths.SftFileName));

    private static List<TrainingLogEntry> Log(string output) =>
        File.ReadLines(Path.Combine(output, "train_log.jsonl")).Select(l => JsonSerializer.Deserialize<TrainingLogEntry>(l)!).ToList();

    [SharedDataFact]
    public void Lion_moves_every_selected_entry_by_exactly_the_learning_rate_in_one_sparse_step()
    {
        // One sparse update of Lion from zero momentum is lr · sign(g): with no weight decay, every diff is ±lr (or 0).
        var output = Path.Combine(_dir, "lion");
        var r = Run(TrainLang(output, "--optimizer", "lion", "--lr", "0.001", "--num-params", "60", "--full-steps", "2", "--sparse-steps", "1", "--l1", "0"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sft = Sft(output);
        Assert.Equal("lion", sft.Metadata.TrainingArguments["optimizer"]);
        var values = sft.Diffs.Values.SelectMany(d => d.Values.data<float>().ToArray()).ToList();
        Assert.Equal(60, values.Count);
        Assert.All(values, v => Assert.True(Math.Abs(Math.Abs(v) - 0.001) < 1e-6 || v == 0, $"diff {v} is not ±lr"));
        // (entries whose gradient in that one batch is zero, such as rows of absent tokens, stay at 0)
        Assert.True(values.Count(v => v != 0) >= 10, $"only {values.Count(v => v != 0)} of 60 entries moved");
    }

    [SharedDataFact]
    public void Random_selection_skips_the_full_phase_and_sgd_is_recorded()
    {
        var output = Path.Combine(_dir, "random");
        var r = Run(TrainLang(output, "--selection", "random", "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.1", "--num-params", "70", "--sparse-steps", "2"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var sft = Sft(output);
        Assert.Equal(70, sft.Diffs.Values.Sum(d => d.Indices.numel()));
        Assert.Equal("random", sft.Metadata.TrainingArguments["method"]);
        Assert.Equal("sgd", sft.Metadata.TrainingArguments["optimizer"]);
        Assert.Equal("0.8999999761581421", sft.Metadata.TrainingArguments["sgd_momentum"]);
        Assert.All(Log(output), e => Assert.Equal("sparse", e.Phase));

        // Misuse is a user error (exit 2): momentum with another optimizer, an unknown optimizer.
        Assert.Equal(2, Run(TrainLang(Path.Combine(_dir, "bad"), "--num-params", "5", "--momentum", "0.9")).ExitCode);
        Assert.Equal(2, Run(TrainLang(Path.Combine(_dir, "bad"), "--num-params", "5", "--optimizer", "adagrad")).ExitCode);
        // A full phase asked for where random selection has none.
        var fullSteps = Run(TrainLang(Path.Combine(_dir, "bad"), "--num-params", "5", "--selection", "random", "--full-steps", "3"));
        Assert.Equal(2, fullSteps.ExitCode);
        Assert.Contains("--full-steps has no effect with --selection random", fullSteps.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [SharedDataFact]
    public void Best_metric_keeps_the_best_evaluated_sparse_state_and_eval_mlm_scores_it_the_same()
    {
        var output = Path.Combine(_dir, "best");
        var held = Held();
        // A large learning rate, so that the validation loss moves and the best state is not simply the last one.
        var r = Run(TrainLang(output, "--validation", held, "--num-params", "300", "--full-steps", "3", "--sparse-steps", "6", "--lr", "0.05",
            "--eval-every", "1", "--best-metric", "loss"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var log = Log(output);
        var evals = log.Where(e => e.Event == "eval").ToList();
        Assert.Equal(Enumerable.Range(1, 3).Select(s => ("full", (long)s)).Concat(Enumerable.Range(1, 6).Select(s => ("sparse", (long)s))),
            evals.Select(e => (e.Phase, e.Step)));
        var bestSparse = evals.Where(e => e.Phase == "sparse").Min(e => e.Metrics!["loss"]);

        // eval -t mlm on the same file, seed, length and batches (the masks depend on them) scores base + the SFT exactly as the trainer scored its best state.
        var scored = Run("eval", "-t", "mlm", "-m", TinyBert, "--sft", output, "--data", held, "--line-by-line", "--max-length", "16",
            "--batch-size", "4", "--json", "-");
        Assert.True(scored.ExitCode == 0, scored.Stderr);
        var row = JsonNode.Parse(scored.Stdout)!["rows"]![0]!;
        var loss = (double)row["loss"]!;
        Assert.Equal(bestSparse, loss, 5);
        Assert.Equal(Math.Exp(loss), (double)row["perplexity"]!, 6);

        // A metric the validation does not report, and evaluation without validation data, are user errors.
        var unknown = Run(TrainLang(Path.Combine(_dir, "bad"), "--validation", held, "--num-params", "5", "--full-steps", "1", "--sparse-steps", "1", "--best-metric", "accuracy"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("loss", unknown.Stderr);
        var noData = Run("train-task", "-t", "pos", "-m", TinyBert, "--train", Conllu(), "--num-params", "5", "--eval-every", "1", "-o", Path.Combine(_dir, "bad"));
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--validation", noData.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [SharedDataFact]
    public void Freeze_head_leaves_the_task_head_out_and_untie_embeddings_trains_the_decoder()
    {
        string[] task = ["train-task", "-t", "pos", "-m", TinyBert, "--train", Conllu(), "--num-params", "20", "--full-steps", "1", "--sparse-steps", "1"];
        var trained = Path.Combine(_dir, "head");
        Assert.Equal(0, Run([.. task, "-o", trained]).ExitCode);
        Assert.Contains(Sft(trained).Abs.Keys, n => n.StartsWith("classifier.", StringComparison.Ordinal));
        var frozen = Path.Combine(_dir, "frozen-head");
        var r = Run([.. task, "--freeze-head", "-o", frozen]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain(Sft(frozen).Abs.Keys, n => n.StartsWith("classifier.", StringComparison.Ordinal));
        Assert.Equal("True", Sft(frozen).Metadata.TrainingArguments["freeze_head"]);

        var untied = Path.Combine(_dir, "untied");
        r = Run(TrainLang(untied, "--untie-embeddings", "--freeze-decoder", "false", "--num-params", "20", "--full-steps", "1", "--sparse-steps", "1"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("cls.predictions.decoder.weight", Sft(untied).Abs.Keys);
        var both = Run(TrainLang(Path.Combine(_dir, "bad"), "--untie-embeddings", "--num-params", "20"));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--freeze-decoder false", both.Stderr);
    }

    [SharedDataFact]
    public void Export_as_composable_sft_then_import_gives_the_same_sft()
    {
        var imported = Path.Combine(_dir, "imported");
        Assert.Equal(0, Run("import", "--sft-dir", SharedData.Fixture("composable-sft", "lang-mlm"), "-m", TinyBert, "-o", imported).ExitCode);
        var exported = Path.Combine(_dir, "python");
        var r = Run("export", "--format", "composable-sft", "--sft", imported, "-o", exported, "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(File.Exists(Path.Combine(exported, ComposableSftFile.FileName)));
        Assert.Equal(TinyBert, (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(exported, ExportCommand.MetadataFileName)))!["base_model"]);
        var again = Path.Combine(_dir, "again");
        Assert.Equal(0, Run("import", "--sft-dir", exported, "-m", TinyBert, "-o", again).ExitCode);

        var (before, after) = (Sft(imported), Sft(again));
        Assert.Equal(before.Diffs.Keys.Order(), after.Diffs.Keys.Order());
        foreach (var (name, diff) in before.Diffs)
        {
            Assert.Equal(diff.Indices.data<long>().ToArray(), after.Diffs[name].Indices.data<long>().ToArray());
            Assert.Equal(diff.Values.data<float>().ToArray(), after.Diffs[name].Values.data<float>().ToArray());
        }
        Assert.Equal(before.Abs.Keys.Order(), after.Abs.Keys.Order());
        foreach (var (name, value) in before.Abs) Assert.Equal(value.data<float>().ToArray(), after.Abs[name].data<float>().ToArray());

        // One SFT only; several are a user error.
        var two = Run("export", "--format", "composable-sft", "--sft", imported, "--sft", imported, "-o", Path.Combine(_dir, "bad"));
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("exactly one --sft", two.Stderr);
        Assert.Equal(2, Run("export", "-o", Path.Combine(_dir, "bad")).ExitCode);
    }

    private static DslSft.Tests.Cli.CliRunner.Result Run(params string[] args) => DslSft.Tests.Cli.CliRunner.Run(args);
}
