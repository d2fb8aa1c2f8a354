using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Experiments.CrossLingual;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft experiment ...`: the experiments whose results are committed under results/.</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var command = CliCommand.Create("experiment", "Run a committed experiment (results/ holds their outputs).",
            "dslsft experiment xling-pos --output results/xling-pos");
        command.Subcommands.Add(XlingPosCommand.Create());
        return command;
    }
}

/// <summary>The transfer table shared by `dslsft demo` and `dslsft experiment xling-pos`.</summary>
internal static class TransferTable
{
    public static ResultsTable Build(TransferReport report, string title)
    {
        var languages = report.Targets.Concat(report.Rows.Count > 0 && report.Rows[0].Accuracy.ContainsKey(report.Source) ? [report.Source] : Array.Empty<string>()).ToList();
        bool seeds = report.Rows.Any(r => r.Seeds > 1);
        var columns = new List<string> { "fine-tuning", "composition" };
        if (seeds) columns.Add("seeds");
        columns.AddRange(languages.Select(l => l == report.Source ? $"{l} (source)" : l));
        var table = new ResultsTable(title, columns.ToArray());
        foreach (var row in report.Rows)
        {
            var cells = new List<object?> { row.Method, row.Composition };
            if (seeds) cells.Add((long)row.Seeds);
            cells.AddRange(languages.Select(l => seeds
                ? (object?)(row.Seeds > 1 ? string.Create(CultureInfo.InvariantCulture, $"{100 * row.Accuracy[l]:F2} ± {100 * row.StandardDeviation[l]:F2}") : string.Create(CultureInfo.InvariantCulture, $"{100 * row.Accuracy[l]:F2}"))
                : new Fraction(row.Accuracy[l])));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    /// <summary>Each language fine-tuning: held-out masked-LM loss against the base model's, and where its K lies.</summary>
    public static ResultsTable Languages(TransferReport report)
    {
        var layers = report.Languages.SelectMany(l => l.Footprint.Groups.Select(g => g.Group)).Distinct()
            .Where(g => g.StartsWith("layer ", StringComparison.Ordinal)).ToList();
        var columns = new List<string> { "language", "fine-tuning", "validation MLM loss (base)", "validation MLM loss", "K", "K in embeddings %" };
        columns.AddRange(layers.Select(l => $"{l} %"));
        columns.Add("largest tensor %");
        var table = new ResultsTable("Language fine-tunings: held-out masked-LM loss and where K lies", columns.ToArray());
        foreach (var l in report.Languages)
        {
            var f = l.Footprint;
            var cells = new List<object?> { l.Language, l.Method.Display(), Math.Round(l.BaseValidationLoss, 3), Math.Round(l.ValidationLoss, 3), f.Total, new Fraction(f.EmbeddingShare) };
            cells.AddRange(layers.Select(g => (object?)new Fraction(f.Share(f.Groups.Where(x => x.Group == g).Sum(x => x.Count)))));
            cells.Add(new Fraction(f.LargestTensorShare));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    public static JsonObject Json(TransferReport report, ResultsTable table)
    {
        var runs = new JsonArray();
        foreach (var run in report.Runs)
            runs.Add(new JsonObject
            {
                ["name"] = run.Name,
                ["cached"] = run.Cached,
                ["kind"] = run.Kind,
                ["language"] = run.Language,
                ["method"] = run.Cached ? null : run.Method.Key(),
                ["k"] = run.K,
                ["maskable"] = run.MaskableCount,
                ["full_steps"] = run.FullSteps,
                ["sparse_steps"] = run.SparseSteps,
                ["seconds"] = run.Seconds,
                ["final_loss"] = double.IsNaN(run.FinalLoss) ? null : run.FinalLoss,
                ["validation_loss"] = run.ValidationLoss,
            });
        var rows = new JsonArray();
        foreach (var row in report.Rows)
            rows.Add(new JsonObject
            {
                ["method"] = row.Method,
                ["composition"] = row.Composition,
                ["mean"] = new JsonObject(row.Accuracy.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["sd"] = new JsonObject(row.StandardDeviation.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["per_seed"] = new JsonObject(row.PerSeed.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode?)v).ToArray())))),
            });
        var languages = new JsonArray();
        foreach (var l in report.Languages)
            languages.Add(new JsonObject
            {
                ["language"] = l.Language,
                ["method"] = l.Method.Key(),
                ["validation_loss"] = l.ValidationLoss,
                ["base_validation_loss"] = l.BaseValidationLoss,
                ["k"] = l.Footprint.Total,
                ["k_by_group"] = new JsonObject(l.Footprint.Groups.Select(g => KeyValuePair.Create(g.Group, (JsonNode?)g.Count))),
                ["largest_tensor"] = l.Footprint.LargestTensor,
                ["largest_tensor_share"] = l.Footprint.LargestTensorShare,
            });
        var o = report.Options;
        return new JsonObject
        {
            ["table"] = table.ToJson(),
            ["rows"] = rows,
            ["languages"] = languages,
            ["seeds"] = new JsonArray(o.Seeds.Select(x => (JsonNode?)x).ToArray()),
            ["l1_mode"] = o.L1Mode == DslSft.Engine.L1Mode.Paper ? "paper" : "composable-sft",
            ["freeze_decoder"] = o.FreezeDecoder,
            ["source"] = report.Source,
            ["targets"] = new JsonArray(report.Targets.Select(t => (JsonNode?)t).ToArray()),
            ["maskable_parameters"] = report.MaskableCount,
            ["task_density"] = o.TaskDensity,
            ["language_density"] = o.LanguageDensity,
            ["language_phases"] = $"{Steps(o.LanguageFullPhase)} full + {Steps(o.LanguageSparsePhase)} sparse",
            ["task_phases"] = $"{Steps(o.TaskFullPhase)} full + {Steps(o.TaskSparsePhase)} sparse",
            ["batch_size"] = o.BatchSize,
            ["language_batch_size"] = o.LanguageBatchSize ?? o.BatchSize,
            ["language_max_length"] = o.LanguageMaxLength ?? o.MaxLength,
            ["language_learning_rate"] = o.LanguageLearningRate,
            ["task_learning_rate"] = o.TaskLearningRate,
            ["transfer_seconds"] = report.Seconds,
            ["runs"] = runs,
        };
    }

    public static string RunsMarkdown(TransferReport report)
    {
        var text = new StringBuilder("**Training runs** (this invocation)\n\n| run | K | steps (full + sparse) | seconds | final loss | validation loss |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var run in report.Runs)
            text.Append(run.Cached
                ? $"| {run.Name} | (reused SFT file) | | | | |\n"
                : string.Create(CultureInfo.InvariantCulture, $"| {run.Name} | {run.K:N0} of {run.MaskableCount:N0} | {run.FullSteps} + {run.SparseSteps} | {run.Seconds:F1} | {run.FinalLoss:F3} | {(run.ValidationLoss is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "")} |\n"));
        return text.ToString();
    }

    private static string Steps(DslSft.Training.PhaseLength length) =>
        length.MaxSteps?.ToString(CultureInfo.InvariantCulture) ?? $"{length.MaxEpochs} epochs";
}

/// <summary>`dslsft experiment xling-pos`: English → Maltese/German zero-shot UPOS with MiniLM; see results/xling-pos/.</summary>
internal static class XlingPosCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model(required: false);
        model.DefaultValueFactory = _ => "minilm";
        var output = CommonOptions.Output("Folder for SFTs (sfts/), logs and plots (logs/), resumable checkpoints (checkpoints/) and the results; rerunning reuses trained SFTs.", required: false);
        output.DefaultValueFactory = _ => "artifacts/xling-pos";
        var data = new Option<string>("--text") { Description = "Folder with en.txt, mt.txt, de.txt (scripts/prepare-experiment-data.sh).", DefaultValueFactory = _ => "artifacts/experiment-data" };
        var ud = new Option<string>("--ud") { Description = "Folder with the UD treebanks.", DefaultValueFactory = _ => "../shared/data/ud" };
        var testFiles = new Option<string[]>("--test-file") { Description = "LANG=FILE: evaluate LANG (en, mt, de) on this CoNLL-U file instead of its UD dev set (repeatable).", HelpName = "LANG=FILE", AllowMultipleArgumentsPerToken = false };
        var languageSteps = new Option<int>("--language-steps") { Description = "Updates per phase of the language (masked-LM) runs.", DefaultValueFactory = _ => 1000 };
        var taskEpochs = new Option<double>("--task-epochs") { Description = "Epochs of the task training data per phase of the task (UPOS) runs.", DefaultValueFactory = _ => 1 };
        var taskSteps = new Option<int?>("--task-steps") { Description = "Updates per phase of the task runs instead of --task-epochs." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds of the LT-SFT and dense task fine-tunings (mean ± sd over them); the first seeds everything else.", DefaultValueFactory = _ => "1,2,3" };
        var learningRate = new Option<double>("--learning-rate") { Description = "Peak learning rate of every run (linear schedule).", DefaultValueFactory = _ => 1e-4 };
        var headWarmup = new Option<int>("--mlm-head-warmup") { Description = "Updates that train the masked-LM head alone (on English) before the language runs, when the base model has none (MiniLM: a sentence encoder). 0: off.", DefaultValueFactory = _ => 300 };
        var sweeps = new Option<bool>("--sweeps") { Description = "Also run LT-SFT sweeps over K (x0.25, x4) and phase length (x0.5) on Maltese (one seed)." };
        var testSentences = new Option<int>("--test-sentences") { Description = "Evaluate on the first N sentences of each test set.", DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch-size") { Description = "Sentences per task update.", DefaultValueFactory = _ => 16 };
        var languageBatch = new Option<int>("--language-batch-size") { Description = "Blocks per masked-LM update.", DefaultValueFactory = _ => 8 };
        var languageLength = new Option<int>("--language-max-length") { Description = "Masked-LM block length in tokens (text is packed as run_mlm packs it).", DefaultValueFactory = _ => 64 };
        var l1Mode = new Option<string>("--l1-mode") { Description = "composable-sft (L1 computed but inert, as in the original code and its published SFTs) or paper (L1 acts).", DefaultValueFactory = _ => "composable-sft" };
        l1Mode.AcceptOnlyFromAmong("composable-sft", "paper");
        var denseStorage = new Option<string>("--dense-storage") { Description = "Values of the stored dense fine-tunings: q4 (4-bit blocks, half the size of q8; results/xling-pos/README.md measures what it costs) or q8. Sparse ones are always q8. Existing files are rewritten to q4 when asked, never back.", DefaultValueFactory = _ => "q4" };
        denseStorage.AcceptOnlyFromAmong("q4", "q8");
        var evaluateOnly = new Option<bool>("--evaluate-only") { Description = "Train nothing: rebuild the tables from the SFTs in --output (minutes)." };
        var command = CliCommand.Create("xling-pos",
            "Zero-shot cross-lingual UPOS tagging English → Maltese, German with all-MiniLM-L6-v2 (English-only): full fine-tuning, " +
            "LT-SFT task only / + target-language SFT / + dense language control, dense composition, random masks; mean ± sd over seeds; " +
            "each language fine-tuning's held-out MLM loss and K split. Interrupted runs continue where they stopped.",
            "scripts/prepare-experiment-data.sh && dslsft experiment xling-pos --output results/xling-pos",
            "dslsft experiment xling-pos --output results/xling-pos --evaluate-only --test-file mt=mt_mudt-ud-test.conllu --test-file de=de_gsd-ud-test.conllu");
        foreach (var option in new Option[] { model, output, data, ud, testFiles, languageSteps, taskEpochs, taskSteps, seeds, learningRate, headWarmup, sweeps, testSentences, batch, languageBatch, languageLength, l1Mode, denseStorage, evaluateOnly })
            command.Options.Add(option);
        command.SetHandler((parse, context) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            var baseModel = BaseModels.Resolve(parse.GetValue(model)!);
            var languagePhase = DslSft.Training.PhaseLength.Steps(Positive(parse.GetValue(languageSteps), "--language-steps"));
            var taskPhase = parse.GetValue(taskSteps) is { } steps ? DslSft.Training.PhaseLength.Steps(Positive(steps, "--task-steps"))
                : DslSft.Training.PhaseLength.Epochs(parse.GetValue(taskEpochs) is > 0 and var e ? e : throw new InvalidInputException("--task-epochs must be positive"));
            var seedList = ParseSeeds(parse.GetValue(seeds)!);
            var tests = new Dictionary<string, string>();
            foreach (var spec in parse.GetValue(testFiles) ?? [])
            {
                var parts = spec.Split('=', 2);
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0) throw new InvalidInputException($"--test-file expects LANG=FILE, got '{spec}'");
                if (!File.Exists(parts[1])) throw new InvalidInputException($"test data for '{parts[0]}' not found", parts[1]);
                tests[parts[0]] = Path.GetFullPath(parts[1]);
            }
            var defaults = new DslSft.Experiments.XlingPos.XlingPosOptions { BaseModelDirectory = "", TextDirectory = "", UdDirectory = "", OutputDirectory = "" };
            var options = defaults with
            {
                BaseModelDirectory = baseModel,
                TextDirectory = parse.GetValue(data)!,
                UdDirectory = parse.GetValue(ud)!,
                OutputDirectory = directory,
                TestFiles = tests,
                Main = defaults.Main with
                {
                    LanguageFullPhase = languagePhase, LanguageSparsePhase = languagePhase, TaskFullPhase = taskPhase, TaskSparsePhase = taskPhase,
                    LanguageLearningRate = parse.GetValue(learningRate), TaskLearningRate = parse.GetValue(learningRate),
                    MlmHeadWarmupSteps = parse.GetValue(headWarmup),
                    MaxTestSentences = parse.GetValue(testSentences), BatchSize = Positive(parse.GetValue(batch), "--batch-size"),
                    LanguageBatchSize = Positive(parse.GetValue(languageBatch), "--language-batch-size"),
                    LanguageMaxLength = Positive(parse.GetValue(languageLength), "--language-max-length"),
                    L1Mode = parse.GetValue(l1Mode) == "paper" ? DslSft.Engine.L1Mode.Paper : DslSft.Engine.L1Mode.ComposableSft,
                    Seeds = seedList,
                    EvaluateOnly = parse.GetValue(evaluateOnly),
                    DenseStorage = parse.GetValue(denseStorage) == "q8" ? DslSft.Sft.Formats.SftStorage.Compact : DslSft.Sft.Formats.SftStorage.CompactQ4,
                },
                KFactors = parse.GetValue(sweeps) ? [0.25, 4.0] : [],
                PhaseFactors = parse.GetValue(sweeps) ? [0.5] : [],
            };
            var start = DateTime.UtcNow;
            var report = new DslSft.Experiments.XlingPos.XlingPosExperiment(options, line =>
                context.Error.WriteLine($"[{(DateTime.UtcNow - start).TotalSeconds,7:F1}s] {line}")).Run();

            var table = TransferTable.Build(report.Main, $"Zero-shot UPOS accuracy (%), {parse.GetValue(model)} base, task trained on English (EWT train)");
            context.Show(table.ToSpectre());
            var languages = TransferTable.Languages(report.Main);
            if (report.Main.Languages.Count > 0) context.Show(languages.ToSpectre());
            var sweep = new ResultsTable($"LT-SFT sensitivity on '{options.SweepLanguage}' (task + target language unless noted)",
                "sweep", "factor", "task K %", "language K %", "phase length (task/language)", "task only", "task + target language", "seconds");
            foreach (var p in report.Sweeps)
                sweep.AddRow(p.Sweep, p.Factor, new Fraction(p.TaskDensity), new Fraction(p.LanguageDensity), $"{p.TaskPhase}/{p.LanguagePhase}",
                    new Fraction(p.TaskOnly), new Fraction(p.WithLanguage), Math.Round(p.Seconds, 1));
            if (report.Sweeps.Count > 0) context.Show(sweep.ToSpectre());

            var json = TransferTable.Json(report.Main, table);
            json["language_table"] = languages.ToJson();
            json["sweeps"] = sweep.ToJson();
            json["seconds"] = report.Seconds;
            json["test_files"] = new JsonObject(tests.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            json["command"] = "dslsft " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            var markdown = table.ToMarkdown() + "\n" + (report.Main.Languages.Count > 0 ? languages.ToMarkdown() + "\n" : "")
                + (report.Sweeps.Count > 0 ? sweep.ToMarkdown() + "\n" : "") + TransferTable.RunsMarkdown(report.Main);
            // An evaluation on other test files must not overwrite the committed results.
            var stem = tests.Count == 0 ? "results" : "results-" + string.Join("-", tests.Keys.Order());
            DslSft.IO.AtomicFile.WriteAllText(Path.Combine(directory, stem + ".md"), markdown);
            DslSft.IO.AtomicFile.WriteAllText(Path.Combine(directory, stem + ".json"), json.ToJsonString(CliContext.JsonOptions) + "\n");
            context.WriteJson(json);
            context.ShowLine($"Results: {Path.Combine(directory, stem + ".md")} and {stem}.json; plots: {Path.Combine(directory, "logs")}/*.png; total {report.Seconds:F0} s");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static IReadOnlyList<int> ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            seeds.Add(int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : throw new InvalidInputException($"--seeds: '{part}' is not an integer"));
        if (seeds.Count == 0) throw new InvalidInputException("--seeds needs at least one seed");
        if (seeds.Distinct().Count() != seeds.Count) throw new InvalidInputException($"--seeds has a duplicate: {text}");
        return seeds;
    }

    private static int Positive(int value, string name) => value > 0 ? value : throw new InvalidInputException($"{name} must be positive, got {value}");
}

/// <summary>Resolves a base model given as a directory or a built-in name (the model registry converts built-ins on first use).</summary>
internal static class BaseModels
{
    public static string Resolve(string nameOrDirectory) => Path.GetFullPath(new DslSft.Models.Import.ModelRegistry().Resolve(nameOrDirectory));
}
