using System.CommandLine;
using System.Globalization;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Wiring;
using DslSft.Models;
using DslSft.Tasks;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft train-task`: a task SFT plus its dense head by LT-SFT on labelled data, with source-language SFTs
/// (<c>--sft</c>) applied during training and removed afterwards, as in LT-SFT's cross-lingual recipe.
/// POS tagging (CoNLL-U UPOS) is wired; the head's label set is stored in the SFT's metadata for eval.
/// </summary>
public static class TrainTaskCommand
{
    public const string LabelsArgument = "labels";

    public static Command Create()
    {
        var task = CommonOptions.Task();
        var model = CommonOptions.Model();
        var train = new Option<string>("--train") { Description = "Training data in the task's format (pos: CoNLL-U).", Required = true, HelpName = "file" };
        var validation = new Option<string>("--validation") { Description = "Held-out data, evaluated at the end of each phase.", HelpName = "file" };
        var sfts = CommonOptions.Sft();
        var maxLength = CommonOptions.MaxLength();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors with the head, train_log.jsonl, loss.png), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var lt = new LtSftCommandOptions(defaultL1: 0.0, freezeDecoder: false);
        var command = CliCommand.Create("train-task", "Learn a task SFT and its head on labelled data, with source-language SFTs applied during training.",
            "dslsft train-task -t pos -m minilm --train ../shared/data/ud/en_ewt-ud-train.conllu --validation ../shared/data/ud/en_ewt-ud-dev.conllu --sft sft/lang-en --num-params 100000 -o sft/task-pos",
            "dslsft train-task -t pos -m ../shared/fixtures/tiny-bert --train train.conllu --proportion 0.1 --full-steps 5 --sparse-steps 5 -o sft/tiny-pos --json -");
        foreach (var option in new Option[] { task, model, train, validation, sfts, maxLength, seed, output, overwrite }) command.Options.Add(option);
        lt.AddTo(command);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var kind = parse.GetValue(task);
            if (kind != TaskKind.Pos) throw new InvalidInputException($"train-task supports --task pos so far (got '{kind.ToString().ToLowerInvariant()}')");
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            int seedValue = parse.GetValue(seed);
            OutputDirectory.CheckWritable(outputPath, replace);
            var options = lt.Read(parse, seedValue, outputPath);
            var languageSfts = SftPaths.LoadAll(parse.GetValue(sfts));
            var labels = UdLabels.Upos;
            int length = parse.GetValue(maxLength);

            // The head is initialised from the global generator: seed it so runs are reproducible.
            manual_seed(seedValue);
            using var baseModel = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, new HfLoadOptions { NumLabels = labels.Count });
            var tokenizer = baseModel.Tokenizer;
            var trainPath = parse.GetValue(train)!;
            var (examples, dropped) = PosData.Read(trainPath, tokenizer, labels, length);
            if (examples.Count == 0) throw new InvalidInputException($"no training sentences fit --max-length {length}", trainPath);
            if (dropped > 0) context.Error.WriteLine($"note: dropped {dropped} training sentences longer than {length} tokens");
            var validationExamples = parse.GetValue(validation) is { } validationPath ? PosData.Read(validationPath, tokenizer, labels, length).Examples : null;
            int batchSize = lt.BatchSizeOf(parse);
            var data = new ShuffledTrainingData<PosExample, ModelBatch>(examples, batchSize, b => PosData.Collate(b, tokenizer.PadTokenId), seedValue);

            var arguments = new Dictionary<string, string>
            {
                ["task"] = "pos",
                ["train_file"] = Path.GetFileName(trainPath),
                ["max_seq_length"] = length.ToString(CultureInfo.InvariantCulture),
                [LabelsArgument] = labels.ToJson(),
                ["source_sfts"] = string.Join(", ", parse.GetValue(sfts) ?? []),
            };
            var result = await SftTraining.TrainAsync(context, baseModel, (ModelBatch b) => baseModel.Model.Forward(b).Loss!,
                data, options, outputPath, replace, arguments, cancel,
                whileTraining: () => AppliedSfts.Apply(languageSfts, baseModel.Parameters));

            var summary = TrainingSummary.Table("train-task", outputPath, examples.Count, result);
            summary.AddRow("dropped (too long)", (long)dropped);
            if (validationExamples is { Count: > 0 })
            {
                // Evaluate the SFT as eval would: base + source-language SFTs + the new task SFT.
                using var evaluation = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, new HfLoadOptions { NumLabels = labels.Count });
                using var applied = AppliedSfts.Apply([.. languageSfts, result.Sft], evaluation.Parameters);
                var score = PosData.Evaluate(evaluation.Model, validationExamples, tokenizer.PadTokenId, labels.Count, batchSize, cancel: cancel);
                summary.AddRow("validation accuracy", new Rendering.Fraction(score["accuracy"]));
            }
            context.Show(summary.ToSpectre());
            context.WriteJson(TrainingSummary.Json(outputPath, examples.Count, result));
            return CliApp.ExitOk;
        });
        return command;
    }
}
