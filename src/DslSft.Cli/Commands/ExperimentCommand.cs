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
        var columns = new List<string> { "fine-tuning", "composition" };
        columns.AddRange(languages.Select(l => l == report.Source ? $"{l} (source)" : l));
        var table = new ResultsTable(title, columns.ToArray());
        foreach (var row in report.Rows)
        {
            var cells = new List<object?> { row.Method, row.Composition };
            cells.AddRange(languages.Select(l => (object?)new Fraction(row.Accuracy[l])));
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
            });
        var o = report.Options;
        return new JsonObject
        {
            ["table"] = table.ToJson(),
            ["source"] = report.Source,
            ["targets"] = new JsonArray(report.Targets.Select(t => (JsonNode?)t).ToArray()),
            ["maskable_parameters"] = report.MaskableCount,
            ["task_density"] = o.TaskDensity,
            ["language_density"] = o.LanguageDensity,
            ["language_phases"] = $"{Steps(o.LanguageFullPhase)} full + {Steps(o.LanguageSparsePhase)} sparse",
            ["task_phases"] = $"{Steps(o.TaskFullPhase)} full + {Steps(o.TaskSparsePhase)} sparse",
            ["batch_size"] = o.BatchSize,
            ["language_learning_rate"] = o.LanguageLearningRate,
            ["task_learning_rate"] = o.TaskLearningRate,
            ["transfer_seconds"] = report.Seconds,
            ["runs"] = runs,
        };
    }

    public static string RunsMarkdown(TransferReport report)
    {
        var text = new StringBuilder("**Training runs**\n\n| run | K | steps (full + sparse) | seconds | final loss |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var run in report.Runs)
            text.Append(run.Cached
                ? $"| {run.Name} | (reused SFT file) | | | |\n"
                : string.Create(CultureInfo.InvariantCulture, $"| {run.Name} | {run.K:N0} of {run.MaskableCount:N0} | {run.FullSteps} + {run.SparseSteps} | {run.Seconds:F1} | {run.FinalLoss:F3} |\n"));
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
        var output = CommonOptions.Output("Folder for SFTs, logs, plots and the results (rerunning reuses trained SFTs).", required: false);
        output.DefaultValueFactory = _ => "artifacts/xling-pos";
        var data = new Option<string>("--text") { Description = "Folder with en.txt, mt.txt, de.txt (scripts/prepare-experiment-data.sh).", DefaultValueFactory = _ => "artifacts/experiment-data" };
        var ud = new Option<string>("--ud") { Description = "Folder with the UD treebanks.", DefaultValueFactory = _ => "../shared/data/ud" };
        var steps = new Option<int>("--steps") { Description = "Updates per phase (full and sparse, language and task).", DefaultValueFactory = _ => 150 };
        var languageSteps = new Option<int?>("--language-steps") { Description = "Updates per phase of the language (masked-LM) runs; default: --steps." };
        var taskSteps = new Option<int?>("--task-steps") { Description = "Updates per phase of the task (UPOS) runs; default: --steps." };
        var learningRate = new Option<double>("--learning-rate") { Description = "Peak learning rate of every run (linear schedule).", DefaultValueFactory = _ => 1e-4 };
        var headWarmup = new Option<int>("--mlm-head-warmup") { Description = "Updates that train the masked-LM head alone (on English) before the language runs, when the base model has none (MiniLM: a sentence encoder). 0: off.", DefaultValueFactory = _ => 300 };
        var noSweeps = new Option<bool>("--no-sweeps") { Description = "Run the main comparison only." };
        var testSentences = new Option<int>("--test-sentences") { Description = "Evaluate on the first N sentences of each dev set.", DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch-size") { Description = "Sentences per update.", DefaultValueFactory = _ => 16 };
        var command = CliCommand.Create("xling-pos",
            "Zero-shot cross-lingual UPOS tagging English → Maltese, German with all-MiniLM-L6-v2 (English-only): full fine-tuning, " +
            "LT-SFT task only / + target-language SFT, dense composition, random masks; plus K and phase-length sweeps on Maltese.",
            "scripts/prepare-experiment-data.sh && dslsft experiment xling-pos --output results/xling-pos");
        foreach (var option in new Option[] { model, output, data, ud, steps, languageSteps, taskSteps, learningRate, headWarmup, noSweeps, testSentences, batch }) command.Options.Add(option);
        command.SetHandler((parse, context) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            var baseModel = BaseModels.Resolve(parse.GetValue(model)!);
            int n = parse.GetValue(steps);
            var languagePhase = DslSft.Training.PhaseLength.Steps(parse.GetValue(languageSteps) ?? n);
            var taskPhase = DslSft.Training.PhaseLength.Steps(parse.GetValue(taskSteps) ?? n);
            var defaults = new DslSft.Experiments.XlingPos.XlingPosOptions { BaseModelDirectory = "", TextDirectory = "", UdDirectory = "", OutputDirectory = "" };
            var options = defaults with
            {
                BaseModelDirectory = baseModel,
                TextDirectory = parse.GetValue(data)!,
                UdDirectory = parse.GetValue(ud)!,
                OutputDirectory = directory,
                Main = defaults.Main with
                {
                    LanguageFullPhase = languagePhase, LanguageSparsePhase = languagePhase, TaskFullPhase = taskPhase, TaskSparsePhase = taskPhase,
                    LanguageLearningRate = parse.GetValue(learningRate), TaskLearningRate = parse.GetValue(learningRate),
                    MlmHeadWarmupSteps = parse.GetValue(headWarmup),
                    MaxTestSentences = parse.GetValue(testSentences), BatchSize = parse.GetValue(batch),
                },
                KFactors = parse.GetValue(noSweeps) ? [] : defaults.KFactors,
                PhaseFactors = parse.GetValue(noSweeps) ? [] : defaults.PhaseFactors,
            };
            var start = DateTime.UtcNow;
            var report = new DslSft.Experiments.XlingPos.XlingPosExperiment(options, line =>
                context.Error.WriteLine($"[{(DateTime.UtcNow - start).TotalSeconds,7:F1}s] {line}")).Run();

            var table = TransferTable.Build(report.Main, $"Zero-shot UPOS accuracy (%), {parse.GetValue(model)} base, task trained on English (EWT train)");
            context.Show(table.ToSpectre());
            var sweep = new ResultsTable($"LT-SFT sensitivity on '{options.SweepLanguage}' (task + target language unless noted)",
                "sweep", "factor", "task K %", "language K %", "steps per phase (task/language)", "task only", "task + target language", "seconds");
            foreach (var p in report.Sweeps)
                sweep.AddRow(p.Sweep, p.Factor, new Fraction(p.TaskDensity), new Fraction(p.LanguageDensity), $"{p.TaskSteps}/{p.LanguageSteps}",
                    new Fraction(p.TaskOnly), new Fraction(p.WithLanguage), Math.Round(p.Seconds, 1));
            if (report.Sweeps.Count > 0) context.Show(sweep.ToSpectre());

            var json = TransferTable.Json(report.Main, table);
            json["sweeps"] = sweep.ToJson();
            json["seconds"] = report.Seconds;
            json["command"] = "dslsft " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            var markdown = table.ToMarkdown() + "\n" + (report.Sweeps.Count > 0 ? sweep.ToMarkdown() + "\n" : "") + TransferTable.RunsMarkdown(report.Main);
            DslSft.IO.AtomicFile.WriteAllText(Path.Combine(directory, "results.md"), markdown);
            DslSft.IO.AtomicFile.WriteAllText(Path.Combine(directory, "results.json"), json.ToJsonString(CliContext.JsonOptions) + "\n");
            context.WriteJson(json);
            context.ShowLine($"Results: {Path.Combine(directory, "results.md")} and results.json; plots: {Path.Combine(directory, "logs")}/*.png; total {report.Seconds:F0} s");
            return CliApp.ExitOk;
        });
        return command;
    }
}

/// <summary>Resolves a base model given as a directory or a built-in name (the model registry converts built-ins on first use).</summary>
internal static class BaseModels
{
    public static string Resolve(string nameOrDirectory) => Path.GetFullPath(new DslSft.Models.Import.ModelRegistry().Resolve(nameOrDirectory));
}
