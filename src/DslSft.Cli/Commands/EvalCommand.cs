using System.CommandLine;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Data.Ner;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft eval`: a base model with SFTs composed onto it (typically target-language SFT + task SFT: zero-shot
/// transfer), scored on one or more test files, one table row per file. Token tagging is wired (pos: accuracy;
/// ner: seqeval span P/R/F1); the label set comes from the task SFT's metadata (train-task stores it), else --labels,
/// else UPOS for pos.
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
        var labelsFile = new Option<string>("--labels") { Description = "Label set of the head (one per line or a JSON array) when the task SFT does not record it.", HelpName = "file" };
        var iob1 = new Option<bool>("--iob1") { Description = "NER tags are IOB1; convert to IOB2 while reading." };
        var masakhaNer = new Option<bool>("--masakhaner") { Description = "NER: map DATE and MISC to O, as composable-sft does for MasakhaNER." };
        var command = CliCommand.Create("eval", "Evaluate a model with SFTs applied on test files; prints the metric table.",
            "dslsft eval -t pos -m minilm --sft sft/lang-mt --sft sft/task-pos --data ../shared/data/ud/mt_mudt-ud-dev.conllu",
            "dslsft eval -t pos -m minilm --sft sft/lang-de --sft sft/task-pos --data ../shared/data/ud/de_gsd-ud-dev.conllu --json results.json");
        foreach (var option in new Option[] { task, model, sfts, data, batchSize, maxLength, labelsFile, iob1, masakhaNer }) command.Options.Add(option);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var kind = parse.GetValue(task);
            if (kind is not (TaskKind.Pos or TaskKind.Ner))
                throw new InvalidInputException($"eval supports --task pos and ner so far (got '{kind.ToString().ToLowerInvariant()}')");
            var nerOptions = (parse.GetValue(masakhaNer) ? NerReadOptions.MasakhaNer : new NerReadOptions())
                with { Scheme = parse.GetValue(iob1) ? TagScheme.Iob1 : TagScheme.Iob2 };
            int batch = parse.GetValue(batchSize);
            if (batch <= 0) throw new InvalidInputException($"--batch-size must be positive, got {batch}");
            var files = parse.GetValue(data)!;
            foreach (var file in files) if (!File.Exists(file)) throw new InvalidInputException("evaluation file not found", file);
            var applied = SftPaths.LoadAll(parse.GetValue(sfts));
            var labels = applied.Select(s => s.Metadata.TrainingArguments.GetValueOrDefault(TrainTaskCommand.LabelsArgument)).LastOrDefault(l => l is not null) is { } json
                ? new LabelVocabulary(System.Text.Json.JsonSerializer.Deserialize<string[]>(json)!)
                : parse.GetValue(labelsFile) is { } labelsPath ? LabelVocabulary.Load(labelsPath)
                : kind == TaskKind.Pos ? UdLabels.Upos
                : throw new InvalidInputException("no --sft records the NER label set; give it with --labels");
            using var baseModel = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, new HfLoadOptions { NumLabels = labels.Count });
            // Without a task SFT the classifier is random; say so rather than print a meaningless score silently.
            if (!applied.Any(s => s.Abs.ContainsKey("classifier.weight")))
                context.Error.WriteLine("note: no --sft carries a token-classification head (classifier.*); the head is randomly initialised");
            using var active = AppliedSfts.Apply(applied, baseModel.Parameters);
            int length = baseModel.ResolveMaxLength(parse, maxLength);
            var rows = await TrainingProgressRenderer.RunAsync(context.ErrorConsole, progress => Task.Run(() =>
            {
                var results = new List<(string, EvaluationResult)>();
                foreach (var file in files)
                {
                    var (examples, dropped) = TokenTaggingData.Encode(TokenTaggingData.ReadSentences(kind, file, nerOptions), baseModel.Tokenizer, labels, length, strictLabels: false);
                    if (dropped > 0) context.Error.WriteLine($"note: {file}: {dropped} sentences longer than {length} tokens not scored");
                    var name = Path.GetFileName(file);
                    results.Add((name, TokenTaggingData.Evaluate(kind, baseModel.Model, examples, labels, baseModel.Tokenizer.PadTokenId, batch,
                        (done, total) => progress.Report(done, total, double.NaN, double.NaN, $"eval {name}"), cancel)));
                }
                return results;
            }, cancel));
            var table = ResultsTable.FromEvaluations($"eval ({kind.ToString().ToLowerInvariant()})", "data", rows);
            context.Show(table.ToSpectre());
            context.WriteJson(table.ToJson());
            return CliApp.ExitOk;
        });
        return command;
    }
}
