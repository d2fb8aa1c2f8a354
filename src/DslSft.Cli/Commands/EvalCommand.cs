using System.CommandLine;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft eval`: a base model with SFTs composed onto it (typically target-language SFT + task SFT: zero-shot
/// transfer), scored on one or more test files, one table row per file. Every task is wired (<see cref="TaskWirings"/>):
/// pos accuracy, ner seqeval span P/R/F1, dp UAS/LAS, nli/sc accuracy, qa SQuAD EM/F1. The label set comes from the
/// task SFT's metadata (train-task stores it), else --labels, else the model's config.json (id2label, as compose and
/// export write it), else the fixed UD sets for pos and dp. <c>-t mlm</c> reports the masked-LM loss and perplexity on
/// raw text instead (<see cref="MlmEvaluation"/>).
/// </summary>
public static class EvalCommand
{
    private const string Mlm = "mlm";

    public static Command Create()
    {
        var task = new Option<string>("--task", "-t")
        {
            Description = $"Task: {string.Join(", ", TaskKinds.AllNames)}, or mlm (masked-LM loss and perplexity on raw text, e.g. of a language SFT).",
            Required = true,
            HelpName = string.Join("|", TaskKinds.AllNames.Append(Mlm)),
        }.AcceptOnlyFromAmong([.. TaskKinds.AllNames, Mlm]);
        var seed = new Option<int>("--seed") { Description = "-t mlm: seed of the evaluation masks (the same seed gives the same masks for every model).", DefaultValueFactory = _ => 42 };
        var lineByLine = new Option<bool>("--line-by-line") { Description = "-t mlm: one example per line (truncated) instead of packing lines into blocks of --max-length." };
        var model = CommonOptions.Model();
        var sfts = CommonOptions.Sft();
        var data = new Option<string[]>("--data") { Description = "Evaluation file (repeatable; one row each).", Required = true, Arity = ArgumentArity.OneOrMore, HelpName = "file" };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 32 };
        var maxLength = CommonOptions.MaxLength();
        var taskOptions = new TaskCommandOptions("Label set of the head (one per line or a JSON array) when the task SFT does not record it.");
        var command = CliCommand.Create("eval", "Evaluate a model with SFTs applied on test files; prints the metric table.",
            "dslsft eval -t pos -m minilm --sft sft/lang-mt --sft sft/task-pos --data ../shared/data/ud/mt_mudt-ud-dev.conllu",
            "dslsft eval -t dp -m minilm --sft sft/lang-mt --sft sft/task-dp --data ../shared/data/ud/mt_mudt-ud-dev.conllu --decode mst --no-punct",
            "dslsft eval -t nli -m minilm --sft sft/lang-de --sft sft/task-nli --data xnli.de.test.tsv --max-length 128",
            "dslsft eval -t qa -m minilm --sft sft/task-qa --data xquad.de.json --max-length 384 --doc-stride 128",
            "dslsft eval -t pos -m minilm --sft sft/lang-de --sft sft/task-pos --data ../shared/data/ud/de_gsd-ud-dev.conllu --json results.json",
            "dslsft eval -t mlm -m minilm --sft sft/lang-mt --data mt-dev.txt --max-length 128");
        foreach (var option in new Option[] { task, model, sfts, data, batchSize, maxLength, seed, lineByLine }) command.Options.Add(option);
        taskOptions.AddTo(command);
        command.SetHandler(async (parse, context, cancel) =>
        {
            int batch = parse.GetValue(batchSize);
            if (batch <= 0) throw new InvalidInputException($"--batch-size must be positive, got {batch}");
            var files = parse.GetValue(data)!;
            foreach (var file in files) if (!File.Exists(file)) throw new InvalidInputException("evaluation file not found", file);
            var sftPaths = parse.GetValue(sfts) ?? [];
            var applied = SftPaths.LoadAll(sftPaths);
            if (parse.GetValue(task) == Mlm)
            {
                var mlmRows = await Task.Run(() => MlmEvaluation.Evaluate(parse.GetValue(model)!, applied, files,
                    m => m.ResolveMaxLength(parse, maxLength), batch, parse.GetValue(seed), parse.GetValue(lineByLine)), cancel);
                var mlmTable = MlmEvaluation.Table(mlmRows);
                context.Show(mlmTable.ToSpectre());
                context.WriteJson(mlmTable.ToJson());
                return CliApp.ExitOk;
            }
            var kind = TaskKinds.Parse(parse.GetValue(task)!);
            var settings = taskOptions.Read(parse, kind);
            var modelDirectory = BaseModel.ResolveDirectory(parse.GetValue(model)!);
            var modelLabels = ConfigLabels.Read(Path.Combine(modelDirectory, HfModel.ConfigFileName));
            var wiring = TaskWirings.ForEvaluation(kind, settings, applied, sftPaths, modelLabels);
            using var baseModel = BaseModel.Load(parse.GetValue(model)!, wiring.Head, wiring.LoadOptions);
            // A head neither the model directory nor a task SFT provides is random; say so rather than print a meaningless score silently.
            var missingHead = baseModel.Table.WithRole(ParameterRole.DenseHead).Select(e => e.Name).Where(baseModel.NotInCheckpoint.Contains).ToList();
            if (missingHead.Count > 0 && !applied.Any(s => missingHead.All(s.Abs.ContainsKey)))
                context.Error.WriteLine($"note: no --sft carries the {wiring.Head} head ({string.Join(", ", missingHead.Take(2))}, ...); it is randomly initialised");
            using var active = AppliedSfts.Apply(applied, baseModel.Parameters);
            int length = baseModel.ResolveMaxLength(parse, maxLength);
            var encoded = files.Select(file => wiring.Encode(file, baseModel.Tokenizer, length, training: false)).ToList();
            var rows = await TrainingProgressRenderer.RunAsync(context.ErrorConsole, progress => Task.Run(() =>
            {
                var results = new List<(string, EvaluationResult)>();
                foreach (var examples in encoded)
                {
                    foreach (var note in examples.Notes(length)) context.Error.WriteLine($"note: {note}");
                    var name = Path.GetFileName(examples.Path);
                    results.Add((name, examples.Evaluate(baseModel.Model, batch, (done, total) => progress.Report(done, total, double.NaN, double.NaN, $"eval {name}"), cancel)));
                }
                return results;
            }, cancel));
            var table = EvaluationTable.Create(wiring, "eval", rows);
            context.Show(table.ToSpectre());
            context.WriteJson(EvaluationTable.Json(wiring, table));
            return CliApp.ExitOk;
        });
        return command;
    }
}
