using System.CommandLine;
using System.Globalization;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Models;
using DslSft.Sft;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Training;
using DslSft.Training.MultiSource;
using static TorchSharp.torch;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft train-task`: a task SFT plus its dense head by LT-SFT on labelled data, with source-language SFTs
/// (<c>--sft</c>) applied during training and removed afterwards, as in LT-SFT's cross-lingual recipe; or
/// multi-source training from a composable-sft style JSON (<c>--config</c>), each batch with its own language's
/// SFT applied. Every task is wired (<see cref="TaskWirings"/>: pos, ner, dp, nli, sc, qa); the label set is stored in
/// the SFT's metadata so that eval reads the head correctly.
/// </summary>
public static class TrainTaskCommand
{
    public static Command Create()
    {
        var task = CommonOptions.Task();
        var model = CommonOptions.Model();
        var train = new Option<string>("--train") { Description = "Training data in the task's format (pos, dp: CoNLL-U; ner: CoNLL; nli, sc: TSV or JSONL; qa: SQuAD JSON).", HelpName = "file" };
        var validation = new Option<string>("--validation") { Description = "Held-out data, scored after training with the SFTs applied (and during training with --eval-every or --best-metric).", HelpName = "file" };
        var config = new Option<string>("--config") { Description = "Multi-source JSON instead of --train/--sft: {\"en\": {\"sft\": ..., \"data\": {\"train\": ..., \"validation\": ..., \"max_train_samples\": n}}, ...}.", HelpName = "json" };
        var taskOptions = new TaskCommandOptions("Label set (one per line, or a JSON array); default: UPOS for pos, composable-sft's UD relations for dp, inferred from the training data (sorted) for ner, nli and sc.");
        var sfts = CommonOptions.Sft();
        var maxLength = CommonOptions.MaxLength();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors with the head, train_log.jsonl, loss.png), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var lt = new LtSftCommandOptions(defaultL1: 0.0, freezeDecoder: false);
        var command = CliCommand.Create("train-task", "Learn a task SFT and its head on labelled data, with source-language SFTs applied during training.",
            "dslsft train-task -t pos -m minilm --train ../shared/data/ud/en_ewt-ud-train.conllu --validation ../shared/data/ud/en_ewt-ud-dev.conllu --sft sft/lang-en --num-params 100000 -o sft/task-pos",
            "dslsft train-task -t dp -m minilm --train ../shared/data/ud/en_ewt-ud-train.conllu --validation ../shared/data/ud/en_ewt-ud-dev.conllu --sft sft/lang-en --decode mst --num-params 100000 -o sft/task-dp",
            "dslsft train-task -t nli -m minilm --train multinli.train.tsv --labels nli_labels.txt --sft sft/lang-en --max-length 128 --num-params 100000 -o sft/task-nli",
            "dslsft train-task -t qa -m minilm --train squad/train-v1.1.json --max-length 384 --doc-stride 128 --num-params 100000 -o sft/task-qa",
            "dslsft train-task -t pos -m minilm --config pos_multisource.json --num-params 100000 -o sft/task-pos-ms",
            "dslsft train-task -t ner -m ../shared/fixtures/tiny-bert --train train.txt --proportion 0.1 --full-steps 5 --sparse-steps 5 -o sft/tiny-ner --json -");
        foreach (var option in new Option[] { task, model, train, validation, config, sfts, maxLength, seed, output, overwrite })
            command.Options.Add(option);
        taskOptions.AddTo(command);
        lt.AddTo(command);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var kind = parse.GetValue(task);
            var settings = taskOptions.Read(parse, kind);
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            int seedValue = parse.GetValue(seed);
            OutputDirectory.CheckWritable(outputPath, replace);
            var options = lt.Read(parse, seedValue, outputPath, replace);
            int batchSize = lt.BatchSizeOf(parse);

            var sources = Sources(parse, config, train, validation, sfts);
            var sourceSfts = sources.ToDictionary(s => s.Name, s => (IReadOnlyList<SparseFineTuning>)SftPaths.LoadAll(s.Sfts));
            var wiring = TaskWirings.ForTraining(kind, settings, sources.Select(s => s.Train));

            using var baseModel = BaseModel.Load(parse.GetValue(model)!, wiring.Head, wiring.LoadOptions, seed: seedValue);
            var tokenizer = baseModel.Tokenizer;
            int length = baseModel.ResolveMaxLength(parse, maxLength);
            // All data is read before training starts, so that bad validation data fails before anything is written.
            var trainData = sources.Select(s => wiring.Encode(s.Train, tokenizer, length, training: true, s.MaxTrainSamples)).ToList();
            foreach (var data in trainData.Where(d => d.Count == 0))
                throw new InvalidInputException(data.Dropped > 0 ? $"no training examples fit --max-length {length}" : "no training examples", data.Path);
            var validationData = sources.Where(s => s.Validation is not null)
                .Select(s => (Source: s, Data: wiring.Encode(s.Validation!, tokenizer, length, training: false, s.MaxEvalSamples))).ToList();
            int dropped = trainData.Sum(d => d.Dropped);
            if (dropped > 0) context.Error.WriteLine($"note: dropped {dropped} training examples longer than {length} tokens");
            long exampleCount = trainData.Sum(d => (long)d.Count);

            var arguments = new Dictionary<string, string>
            {
                [TaskWirings.TaskArgument] = kind.Name(),
                ["train_files"] = string.Join(", ", sources.Select(s => Path.GetFileName(s.Train))),
                ["max_seq_length"] = length.ToString(CultureInfo.InvariantCulture),
                ["source_sfts"] = string.Join("; ", sources.Select(s => $"{s.Name}: {string.Join(", ", s.Sfts)}")),
            };
            if (wiring.Labels is { } labels) arguments[TaskWirings.LabelsArgument] = labels.ToJson();
            if (wiring is QuestionAnsweringTask qa) arguments["doc_stride"] = qa.DocStride(length).ToString(CultureInfo.InvariantCulture);
            Func<ModelBatch, Tensor> loss = b => baseModel.Model.Forward(b).TrainingLoss();
            Engine.LtSftResult result;
            if (sources.Count == 1)
            {
                // Evaluated during training (--eval-every, --best-metric) as eval scores it: with the source's language SFTs applied.
                // Only when asked: otherwise --validation is scored once, after training.
                bool evaluate = options.EvaluateEvery > 0 || options.LoadBestAtEnd;
                Func<IReadOnlyDictionary<string, double>>? evaluator = !evaluate || validationData.Count == 0 ? null : () =>
                    validationData[0].Data.Evaluate(baseModel.Model, batchSize, cancel: cancel).Metrics.ToDictionary(m => m.Name, m => m.Value);
                result = await SftTraining.TrainAsync(context, baseModel, loss, trainData[0].Batches(batchSize, seedValue), options, outputPath, replace, arguments, cancel,
                    whileTraining: () => AppliedSfts.Apply(sourceSfts[sources[0].Name], baseModel.Parameters), evaluator: evaluator);
            }
            else
            {
                if (options.EvaluateEvery > 0 || options.LoadBestAtEnd)
                    throw new InvalidInputException("--eval-every and --best-metric are not available with a multi-source --config (which source's SFTs would the evaluation apply?)");
                // composable-sft's MultiSourcePlugin: each batch runs with its own language's SFT applied. Checked against
                // the base model once here (apply + revert), then applied per batch without re-hashing the model.
                foreach (var list in sourceSfts.Values) AppliedSfts.Apply(list, baseModel.Parameters).Dispose();
                AppliedSfts? active = null;
                var activation = new SourceActivation<ModelBatch>(
                    name => active = AppliedSfts.Apply(sourceSfts[name], baseModel.Parameters, verifyBaseModel: false),
                    _ => { active?.Dispose(); active = null; });
                var trainingSources = sources.Select((s, i) => new TrainingSource<ModelBatch>(s.Name, trainData[i].Batches(batchSize, seedValue))).ToList();
                result = await SftTraining.TrainAsync(context, baseModel, (SourcedBatch<ModelBatch> b) => loss(b.Batch),
                    new MultiSourceTrainingData<ModelBatch>(trainingSources, seedValue), options, outputPath, replace, arguments, cancel,
                    batchScope: activation.Enter);
            }

            var summary = TrainingSummary.Table("train-task", outputPath, exampleCount, result);
            summary.AddRow("dropped (too long)", (long)dropped);
            var scores = new List<(string, EvaluationResult)>();
            foreach (var (source, data) in validationData)
            {
                // Scored as eval scores it: a freshly loaded base + that source's language SFTs + the new task SFT.
                using var evaluation = BaseModel.Load(parse.GetValue(model)!, wiring.Head, wiring.LoadOptions);
                using var applied = AppliedSfts.Apply([.. sourceSfts[source.Name], result.Sft], evaluation.Parameters);
                var name = (sources.Count > 1 ? source.Name + ": " : "") + Path.GetFileName(data.Path);
                foreach (var note in data.Notes(length)) context.Error.WriteLine($"note: validation {note}");
                var score = data.Evaluate(evaluation.Model, batchSize, cancel: cancel);
                scores.Add((name, score));
                foreach (var metric in score.Metrics)
                    summary.AddRow($"validation {(sources.Count > 1 ? source.Name + " " : "")}{metric.Name}", metric.IsFraction ? new Fraction(metric.Value) : metric.Value);
            }
            if (scores.Count > 0 && wiring.ScoringNote is { } scoring) summary.AddRow("validation scoring", scoring);
            context.Show(summary.ToSpectre());
            var json = TrainingSummary.Json(outputPath, exampleCount, result);
            json["task"] = kind.Name();
            json["dropped"] = dropped;
            if (scores.Count > 0) json["validation"] = EvaluationTable.Json(wiring, EvaluationTable.Create(wiring, "validation", scores));
            context.WriteJson(json);
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
