using System.CommandLine;
using System.Globalization;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Data;
using DslSft.Data.Ner;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Tasks;
using DslSft.Training;
using DslSft.Training.MultiSource;
using static TorchSharp.torch;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft train-task`: a task SFT plus its dense head by LT-SFT on labelled data, with source-language SFTs
/// (<c>--sft</c>) applied during training and removed afterwards, as in LT-SFT's cross-lingual recipe; or
/// multi-source training from a composable-sft style JSON (<c>--config</c>), each batch with its own language's
/// SFT applied. Token tagging tasks are wired (pos from CoNLL-U, ner from CoNLL); the label set is stored in the
/// SFT's metadata so that eval reads the head correctly.
/// </summary>
public static class TrainTaskCommand
{
    public const string LabelsArgument = "labels";

    public static Command Create()
    {
        var task = CommonOptions.Task();
        var model = CommonOptions.Model();
        var train = new Option<string>("--train") { Description = "Training data in the task's format (pos: CoNLL-U; ner: CoNLL).", HelpName = "file" };
        var validation = new Option<string>("--validation") { Description = "Held-out data, scored after training with the SFTs applied.", HelpName = "file" };
        var config = new Option<string>("--config") { Description = "Multi-source JSON instead of --train/--sft: {\"en\": {\"sft\": ..., \"data\": {\"train\": ..., \"validation\": ..., \"max_train_samples\": n}}, ...}.", HelpName = "json" };
        var labelsFile = new Option<string>("--labels") { Description = "Label set (one per line, or a JSON array); default: UPOS for pos, inferred from the training data (sorted) for ner.", HelpName = "file" };
        var iob1 = new Option<bool>("--iob1") { Description = "NER tags are IOB1; convert to IOB2 while reading." };
        var masakhaNer = new Option<bool>("--masakhaner") { Description = "NER: map DATE and MISC to O, as composable-sft does for MasakhaNER." };
        var sfts = CommonOptions.Sft();
        var maxLength = CommonOptions.MaxLength();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors with the head, train_log.jsonl, loss.png), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var lt = new LtSftCommandOptions(defaultL1: 0.0, freezeDecoder: false);
        var command = CliCommand.Create("train-task", "Learn a task SFT and its head on labelled data, with source-language SFTs applied during training.",
            "dslsft train-task -t pos -m minilm --train ../shared/data/ud/en_ewt-ud-train.conllu --validation ../shared/data/ud/en_ewt-ud-dev.conllu --sft sft/lang-en --num-params 100000 -o sft/task-pos",
            "dslsft train-task -t pos -m minilm --config pos_multisource.json --num-params 100000 -o sft/task-pos-ms",
            "dslsft train-task -t ner -m ../shared/fixtures/tiny-bert --train train.txt --proportion 0.1 --full-steps 5 --sparse-steps 5 -o sft/tiny-ner --json -");
        foreach (var option in new Option[] { task, model, train, validation, config, labelsFile, iob1, masakhaNer, sfts, maxLength, seed, output, overwrite })
            command.Options.Add(option);
        lt.AddTo(command);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var kind = parse.GetValue(task);
            if (kind is not (TaskKind.Pos or TaskKind.Ner))
                throw new InvalidInputException($"train-task supports --task pos and ner so far (got '{kind.ToString().ToLowerInvariant()}')");
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            int seedValue = parse.GetValue(seed);
            OutputDirectory.CheckWritable(outputPath, replace);
            var options = lt.Read(parse, seedValue, outputPath);
            int batchSize = lt.BatchSizeOf(parse);
            var nerOptions = (parse.GetValue(masakhaNer) ? NerReadOptions.MasakhaNer : new NerReadOptions())
                with { Scheme = parse.GetValue(iob1) ? TagScheme.Iob1 : TagScheme.Iob2 };

            var sources = Sources(parse, config, train, validation, sfts);
            var sourceSfts = sources.ToDictionary(s => s.Name, s => (IReadOnlyList<SparseFineTuning>)SftPaths.LoadAll(s.Sfts));
            var trainSentences = sources.ToDictionary(s => s.Name, s => TokenTaggingData.ReadSentences(kind, s.Train, nerOptions).ToList());
            var labels = parse.GetValue(labelsFile) is { } file ? LabelVocabulary.Load(file)
                : kind == TaskKind.Pos ? UdLabels.Upos
                : LabelVocabulary.Infer(trainSentences.Values.SelectMany(list => list).SelectMany(s => s.Labels));

            // The head is initialised from the global generator: seed it so runs are reproducible.
            manual_seed(seedValue);
            var loadOptions = new HfLoadOptions { NumLabels = labels.Count };
            using var baseModel = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, loadOptions);
            var tokenizer = baseModel.Tokenizer;
            int length = baseModel.ResolveMaxLength(parse, maxLength);
            var trainingSources = new List<TrainingSource<ModelBatch>>();
            long exampleCount = 0;
            int dropped = 0;
            foreach (var source in sources)
            {
                var (examples, lost) = TokenTaggingData.Encode(trainSentences[source.Name], tokenizer, labels, length, strictLabels: true, source.MaxTrainSamples);
                if (examples.Count == 0) throw new InvalidInputException($"no training sentences fit --max-length {length}", source.Train);
                exampleCount += examples.Count;
                dropped += lost;
                trainingSources.Add(new(source.Name, new ShuffledTrainingData<TaggedExample, ModelBatch>(examples, batchSize, b => TokenTaggingData.Collate(b, tokenizer.PadTokenId), seedValue)));
            }
            if (dropped > 0) context.Error.WriteLine($"note: dropped {dropped} training sentences longer than {length} tokens");

            var arguments = new Dictionary<string, string>
            {
                ["task"] = kind.ToString().ToLowerInvariant(),
                ["train_files"] = string.Join(", ", sources.Select(s => Path.GetFileName(s.Train))),
                ["max_seq_length"] = length.ToString(CultureInfo.InvariantCulture),
                [LabelsArgument] = labels.ToJson(),
                ["source_sfts"] = string.Join("; ", sources.Select(s => $"{s.Name}: {string.Join(", ", s.Sfts)}")),
            };
            Func<ModelBatch, Tensor> loss = b => baseModel.Model.Forward(b).Loss!;
            Engine.LtSftResult result;
            if (sources.Count == 1)
            {
                result = await SftTraining.TrainAsync(context, baseModel, loss, trainingSources[0].Data, options, outputPath, replace, arguments, cancel,
                    whileTraining: () => AppliedSfts.Apply(sourceSfts[sources[0].Name], baseModel.Parameters));
            }
            else
            {
                // composable-sft's MultiSourcePlugin: each batch runs with its own language's SFT applied. Checked against
                // the base model once here (apply + revert), then applied per batch without re-hashing the model.
                foreach (var list in sourceSfts.Values) AppliedSfts.Apply(list, baseModel.Parameters).Dispose();
                AppliedSfts? active = null;
                var activation = new SourceActivation<ModelBatch>(
                    name => active = AppliedSfts.Apply(sourceSfts[name], baseModel.Parameters, verifyBaseModel: false),
                    _ => { active?.Dispose(); active = null; });
                result = await SftTraining.TrainAsync(context, baseModel, (SourcedBatch<ModelBatch> b) => loss(b.Batch),
                    new MultiSourceTrainingData<ModelBatch>(trainingSources, seedValue), options, outputPath, replace, arguments, cancel,
                    batchScope: activation.Enter);
            }

            var summary = TrainingSummary.Table("train-task", outputPath, exampleCount, result);
            summary.AddRow("dropped (too long)", (long)dropped);
            foreach (var source in sources.Where(s => s.Validation is not null))
            {
                // Scored as eval would: base + that source's language SFTs + the new task SFT.
                using var evaluation = BaseModel.Load(parse.GetValue(model)!, ModelHead.TokenClassification, loadOptions);
                using var applied = AppliedSfts.Apply([.. sourceSfts[source.Name], result.Sft], evaluation.Parameters);
                var (examples, _) = TokenTaggingData.Encode(TokenTaggingData.ReadSentences(kind, source.Validation!, nerOptions), tokenizer, labels, length,
                    strictLabels: false, source.MaxEvalSamples);
                var score = TokenTaggingData.Evaluate(kind, evaluation.Model, examples, labels, tokenizer.PadTokenId, batchSize, cancel: cancel);
                foreach (var metric in score.Metrics)
                    summary.AddRow($"validation {(sources.Count > 1 ? source.Name + " " : "")}{metric.Name}", metric.IsFraction ? new Fraction(metric.Value) : metric.Value);
            }
            context.Show(summary.ToSpectre());
            context.WriteJson(TrainingSummary.Json(outputPath, exampleCount, result));
            return CliApp.ExitOk;
        });
        return command;
    }

    private sealed record Source(string Name, string Train, string? Validation, IReadOnlyList<string> Sfts, int? MaxTrainSamples, int? MaxEvalSamples);

    private static List<Source> Sources(ParseResult parse, Option<string> config, Option<string> train, Option<string> validation, Option<string[]> sfts)
    {
        if (parse.GetValue(config) is { } configPath)
        {
            if (parse.GetValue(train) is not null || parse.GetValue(sfts) is { Length: > 0 })
                throw new InvalidInputException("--config replaces --train and --sft; give one or the other");
            return MultiSourceConfig.Load(configPath).Sources
                .Select(s => new Source(s.Name, s.Train, s.Validation, s.Sft is null ? [] : [s.Sft], s.MaxTrainSamples, s.MaxEvalSamples)).ToList();
        }
        var trainPath = parse.GetValue(train) ?? throw new InvalidInputException("give --train (or a multi-source --config)");
        return [new Source("train", trainPath, parse.GetValue(validation), parse.GetValue(sfts) ?? [], null, null)];
    }
}
