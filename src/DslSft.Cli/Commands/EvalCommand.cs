using System.CommandLine;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft eval`: a base model with SFTs composed onto it (typically target-language SFT + task SFT: zero-shot
/// transfer), scored on one or more test files, one table row per file. POS tagging is wired; the label set
/// comes from the task SFT's metadata (UPOS otherwise).
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var task = CommonOptions.Task();
        var model = CommonOptions.Model();
        var sfts = CommonOptions.Sft();
        var data = new Option<string[]>("--data") { Description = "Evaluation file (repeatable; one row each).", Required = true, Arity = ArgumentArity.OneOrMore, HelpName = "file" };
        var batchSize = new Option<int>("--batch-size") { Description = "Sentences per forward pass.", DefaultValueFactory = _ => 32 };
        var maxLength = CommonOptions.MaxLength();
        var command = CliCommand.Create("eval", "Evaluate a model with SFTs applied on test files; prints the metric table.",
            "dslsft eval -t pos -m minilm --sft sft/lang-mt --sft sft/task-pos --data ../shared/data/ud/mt_mudt-ud-dev.conllu",
            "dslsft eval -t pos -m minilm --sft sft/lang-de --sft sft/task-pos --data ../shared/data/ud/de_gsd-ud-dev.conllu --json results.json");
        foreach (var option in new Option[] { task, model, sfts, data, batchSize, maxLength }) command.Options.Add(option);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var kind = parse.GetValue(task);
            if (kind != TaskKind.Pos) throw new InvalidInputException($"eval supports --task pos so far (got '{kind.ToString().ToLowerInvariant()}')");
            int batch = parse.GetValue(batchSize);
            if (batch <= 0) throw new InvalidInputException($"--batch-size must be positive, got {batch}");
            var files = parse.GetValue(data)!;
            foreach (var file in files) if (!File.Exists(file)) throw new InvalidInputException("evaluation file not found", file);
            var applied = SftPaths.LoadAll(parse.GetValue(sfts));
            var labels = applied.Select(s => s.Metadata.TrainingArguments.GetValueOrDefault(TrainTaskCommand.LabelsArgument)).LastOrDefault(l => l is not null) is { } json
                ? new LabelVocabulary(System.Text.Json.JsonSerializer.Deserialize<string[]>(json)!)
                : UdLabels.Upos;
            using var baseModel = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, new HfLoadOptions { NumLabels = labels.Count });
            // Without a task SFT the classifier is random; say so rather than print a meaningless score silently.
            if (!applied.Any(s => s.Abs.ContainsKey("classifier.weight")))
                context.Error.WriteLine("note: no --sft carries a token-classification head (classifier.*); the head is randomly initialised");
            using var active = AppliedSfts.Apply(applied, baseModel.Parameters);
            int length = parse.GetValue(maxLength);
            var rows = await TrainingProgressRenderer.RunAsync(context.ErrorConsole, progress => Task.Run(() =>
            {
                var results = new List<(string, EvaluationResult)>();
                foreach (var file in files)
                {
                    var (examples, dropped) = PosData.Read(file, baseModel.Tokenizer, labels, length);
                    if (dropped > 0) context.Error.WriteLine($"note: {file}: {dropped} sentences longer than {length} tokens not scored");
                    var name = Path.GetFileName(file);
                    results.Add((name, PosData.Evaluate(baseModel.Model, examples, baseModel.Tokenizer.PadTokenId, labels.Count, batch,
                        (done, total) => progress.Report(done, total, double.NaN, double.NaN, $"eval {name}"), cancel)));
                }
                return results;
            }, cancel));
            var table = ResultsTable.FromEvaluations("eval (pos)", "data", rows);
            context.Show(table.ToSpectre());
            context.WriteJson(table.ToJson());
            return CliApp.ExitOk;
        });
        return command;
    }
}
