using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Demo;
using DslSft.IO;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft demo`: zero-shot cross-lingual POS tagging by composing sparse fine-tunings, on a bilingual world the
/// program generates itself (no downloads). Prints one table and writes it, with plots and the SFTs, to the output folder.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Output("Folder for the world, base model, SFTs, logs, plots and the results table.", required: false);
        output.DefaultValueFactory = _ => "demo-output";
        var seed = CommonOptions.Seed();
        seed.DefaultValueFactory = _ => 1;
        var defaults = new DemoOptions();
        var quick = new Option<bool>("--quick") { Description = "Half the text and a third of the training steps: a rougher table in about a third of the time." };
        var targetShare = new Option<double?>("--target-share") { Description = $"Share of target-language text in the base model's pretraining (default {defaults.PretrainTargetShare}); below 0.5 the target is under-represented, as low-resource languages are in mBERT.", HelpName = "0-1" };
        var taskK = new Option<double?>("--task-k") { Description = "K of task SFTs as a proportion of the maskable entries (default 0.08, the paper's ratio).", HelpName = "proportion" };
        var languageK = new Option<double?>("--language-k") { Description = "K of language SFTs as a proportion of the maskable entries (default 0.043).", HelpName = "proportion" };
        var hidden = new Option<int?>("--hidden-size") { Description = $"Hidden size of the base model (default {defaults.HiddenSize}; a multiple of its {defaults.AttentionHeads} attention heads)." };
        var layers = new Option<int?>("--layers") { Description = $"Encoder layers of the base model (default {defaults.Layers})." };
        var intermediate = new Option<int?>("--intermediate-size") { Description = $"Feed-forward size of the base model (default {defaults.IntermediateSize})." };
        var command = CliCommand.Create("demo",
            "Run the paper's recipe on a generated bilingual world: pretrain a small BERT by masked LM on two languages, train " +
            "language SFTs and a source-language POS task SFT, and tag the target language zero-shot with base + task SFT " +
            "(+ target-language SFT), against dense fine-tunings and random-mask SFTs. A few minutes on two cores; the same seed gives the same table.",
            "dslsft demo",
            "dslsft demo --output /tmp/demo --seed 7",
            "dslsft demo --output /tmp/demo-balanced --target-share 0.5 --intermediate-size 256");
        foreach (var option in new Option[] { output, seed, quick, targetShare, taskK, languageK, hidden, layers, intermediate }) command.Options.Add(option);
        command.SetHandler((parse, context) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            var options = new DemoOptions { Seed = parse.GetValue(seed) };
            if (parse.GetValue(quick)) options = Quick(options);
            if (parse.GetValue(targetShare) is { } share)
            {
                if (share is <= 0 or >= 1) throw new InvalidInputException($"--target-share must be between 0 and 1 (exclusive), got {share}");
                options = options with { PretrainTargetShare = share };
            }
            int Size(int? value, int fallback, string option) =>
                value is null ? fallback : value > 0 ? value.Value : throw new InvalidInputException($"{option} must be positive, got {value}");
            options = options with
            {
                HiddenSize = Size(parse.GetValue(hidden), options.HiddenSize, "--hidden-size"),
                Layers = Size(parse.GetValue(layers), options.Layers, "--layers"),
                IntermediateSize = Size(parse.GetValue(intermediate), options.IntermediateSize, "--intermediate-size"),
            };
            if (options.HiddenSize % options.AttentionHeads != 0)
                throw new InvalidInputException($"--hidden-size must be a multiple of the {options.AttentionHeads} attention heads, got {options.HiddenSize}");
            options = options with
            {
                Transfer = options.Transfer with
                {
                    TaskDensity = Proportion(parse.GetValue(taskK), "--task-k") ?? options.Transfer.TaskDensity,
                    LanguageDensity = Proportion(parse.GetValue(languageK), "--language-k") ?? options.Transfer.LanguageDensity,
                },
            };
            var start = DateTime.UtcNow;
            var report = new DemoPipeline(options, directory, line =>
                context.Error.WriteLine($"[{(DateTime.UtcNow - start).TotalSeconds,6:F1}s] {line}")).Run();

            var table = TransferTable.Build(report.Transfer,
                $"Zero-shot POS accuracy (%), demo world, seed {options.Seed}: task trained on '{report.Transfer.Source}', evaluated on '{report.Transfer.Targets[0]}'");
            context.Show(table.ToSpectre());
            var json = TransferTable.Json(report.Transfer, table);
            json["pretrain_seconds"] = report.PretrainSeconds;
            json["pretrain_final_loss"] = report.PretrainFinalLoss;
            json["parameters"] = report.ParameterCount;
            json["vocabulary"] = report.VocabularySize;
            json["seconds"] = report.TotalSeconds;
            json["seed"] = options.Seed;
            AtomicFile.WriteAllText(Path.Combine(directory, "results.md"), table.ToMarkdown() + "\n" + TransferTable.RunsMarkdown(report.Transfer));
            AtomicFile.WriteAllText(Path.Combine(directory, "results.json"), json.ToJsonString(CliContext.JsonOptions) + "\n");
            context.WriteJson(json);
            context.ShowLine($"Table: {Path.Combine(directory, "results.md")} and results.json; training plots: {Path.Combine(directory, "logs")}/*.png; " +
                $"total {report.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static double? Proportion(double? value, string option) =>
        value is null or (> 0 and <= 1) ? value : throw new InvalidInputException($"{option} must be in (0, 1], got {value}");

    /// <summary>The --quick configuration: same model and recipe, less text and about a third of the updates.</summary>
    private static DemoOptions Quick(DemoOptions options) => options with
    {
        World = options.World with { SourceTextSentences = 10_000, TargetTextSentences = 10_000, SourceTrainSentences = 2_000, TestSentences = 500 },
        PretrainSteps = 1_000,
        Transfer = options.Transfer with
        {
            LanguageFullPhase = DslSft.Training.PhaseLength.Steps(150),
            LanguageSparsePhase = DslSft.Training.PhaseLength.Steps(150),
            TaskFullPhase = DslSft.Training.PhaseLength.Steps(100),
            TaskSparsePhase = DslSft.Training.PhaseLength.Steps(100),
        },
    };
}
