using DslSft.Tokenization;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Data.Mlm;
using DslSft.Data.Text;
using DslSft.Models;
using DslSft.Training;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft train-lang`: a language SFT by masked-LM LT-SFT on raw text, as composable-sft's run_mlm does it
/// (lines packed into blocks of --max-length, or one example per line; 15% of tokens masked 80/10/10).
/// The output directory holds the SFT, the JSONL log and the loss plot.
/// </summary>
public static class TrainLangCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var train = new Option<string>("--train") { Description = "Raw text (one sentence or document per line) or a .conllu file (its '# text =' lines).", Required = true, HelpName = "file" };
        var validation = new Option<string>("--validation") { Description = "Held-out text for the validation loss (default: the first --validation-percent of --train).", HelpName = "file" };
        var validationPercent = new Option<double>("--validation-percent") { Description = "Share of --train lines held out for validation when --validation is not given (HF validation_split_percentage).", DefaultValueFactory = _ => 5 };
        var lineByLine = new Option<bool>("--line-by-line") { Description = "One example per line (truncated) instead of packing lines into blocks of --max-length." };
        var mlmProbability = new Option<double>("--mlm-probability") { Description = "Share of tokens chosen for prediction (80% [MASK], 10% random, 10% unchanged).", DefaultValueFactory = _ => DslSft.Data.Mlm.MlmCollator.DefaultMaskProbability };
        var maxLength = CommonOptions.MaxLength();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors, train_log.jsonl, loss.png), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var lt = new LtSftCommandOptions(defaultL1: 0.1, freezeDecoder: true);
        var command = CliCommand.Create("train-lang", "Learn a language SFT: masked-LM LT-SFT on raw text.",
            "dslsft train-lang -m minilm --train ../shared/data/ud/mt_mudt-ud-train.conllu --num-params 100000 --full-steps 2000 --sparse-steps 2000 -o sft/lang-mt",
            "dslsft train-lang -m ../shared/fixtures/tiny-bert --train corpus.txt --proportion 0.05 --full-steps 10 --sparse-steps 10 --max-length 32 -o sft/tiny-lang --json -");
        foreach (var option in new Option[] { model, train, validation, validationPercent, lineByLine, mlmProbability, maxLength, seed, output, overwrite }) command.Options.Add(option);
        lt.AddTo(command);
        command.SetHandler(async (parse, context, cancel) =>
        {
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            int seedValue = parse.GetValue(seed);
            OutputDirectory.CheckWritable(outputPath, replace);
            var options = lt.Read(parse, seedValue, outputPath, replace);
            double probability = parse.GetValue(mlmProbability);
            if (probability is <= 0 or >= 1) throw new InvalidInputException($"--mlm-probability must be in (0, 1), got {probability}");
            var trainPath = parse.GetValue(train)!;
            if (!File.Exists(trainPath)) throw new InvalidInputException("training text not found", trainPath);

            using var baseModel = BaseModel.Load(parse.GetValue(model)!, ModelHead.MaskedLM, seed: seedValue);
            int length = baseModel.ResolveMaxLength(parse, maxLength);
            IEnumerable<string> lines, heldOut;
            if (parse.GetValue(validation) is { } validationPath)
            {
                if (!File.Exists(validationPath)) throw new InvalidInputException("validation text not found", validationPath);
                (lines, heldOut) = (RawTextReader.Read(trainPath), RawTextReader.Read(validationPath));
            }
            else
            {
                double percent = parse.GetValue(validationPercent);
                if (percent is < 0 or >= 100) throw new InvalidInputException($"--validation-percent must be in [0, 100), got {percent}");
                var split = RawTextReader.Split(trainPath, percent);
                (lines, heldOut) = (split.Train, split.HeldOut);
            }
            var corpus = MlmCorpus.Build(baseModel.Tokenizer, lines, heldOut, length, parse.GetValue(lineByLine));
            if (corpus.Train.Count == 0)
                throw new InvalidInputException($"no training sequences: the text is shorter than one block of {length} tokens (use --line-by-line or a smaller --max-length)", trainPath);

            int batchSize = lt.BatchSizeOf(parse);
            var collator = MlmCorpus.Collator(baseModel.Tokenizer, seedValue, probability);
            var data = corpus.TrainingData(collator, batchSize, seedValue);
            // Validation loss with the same masks at every evaluation (composable-sft's consistent evaluation masking).
            Func<IReadOnlyDictionary<string, double>>? evaluator = corpus.Validation.Count == 0 ? null : () =>
                new Dictionary<string, double> { ["loss"] = corpus.ValidationLoss(baseModel.Model, collator, batchSize) };
            var arguments = new Dictionary<string, string>
            {
                ["task"] = "mlm",
                ["train_file"] = Path.GetFileName(trainPath),
                ["max_seq_length"] = length.ToString(CultureInfo.InvariantCulture),
                ["mlm_probability"] = probability.ToString("R", CultureInfo.InvariantCulture),
                ["line_by_line"] = parse.GetValue(lineByLine) ? "true" : "false",
            };
            var result = await SftTraining.TrainAsync(context, baseModel, (ModelBatch b) => baseModel.Model.Forward(b).TrainingLoss(),
                data, options, outputPath, replace, arguments, cancel, evaluator: evaluator);

            var summary = TrainingSummary.Table("train-lang", outputPath, corpus.Train.Count, result);
            context.Show(summary.ToSpectre());
            context.WriteJson(TrainingSummary.Json(outputPath, corpus.Train.Count, result));
            return CliApp.ExitOk;
        });
        return command;
    }
}
