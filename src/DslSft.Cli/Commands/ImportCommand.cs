using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Models.Import;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft import`: converts external formats into DslSft's. A composable-sft SFT (<c>pytorch_diff.bin</c>) is
/// checked against <c>--model</c> (names, shapes, index ranges) and written as an SFT directory that records the base
/// model's name and checksum; an ONNX BERT is converted into a Hugging Face model directory.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var sftDir = new Option<string>("--sft-dir") { Description = "composable-sft SFT: a directory holding pytorch_diff.bin, or the file.", HelpName = "dir" };
        var onnx = new Option<string>("--onnx") { Description = "ONNX BERT model file to convert into a Hugging Face directory.", HelpName = "file" };
        var vocab = new Option<string>("--vocab") { Description = "vocab.txt for --onnx (default: vocab.txt next to the ONNX file).", HelpName = "file" };
        var cased = new Option<bool>("--cased") { Description = "--onnx: the tokenizer keeps case (default: lower-cases, as uncased BERT)." };
        var model = CommonOptions.Model(required: false);
        var output = CommonOptions.Output();
        var overwrite = CommonOptions.Overwrite();
        var command = CliCommand.Create("import", "Convert a composable-sft SFT (pytorch_diff.bin) or an ONNX BERT into DslSft's formats.",
            "dslsft import --sft-dir downloads/mbert-lang-sft-mt-small -m bert-base-multilingual-cased -o sft/lang-mt",
            "dslsft import --onnx all-MiniLM-L6-v2.onnx -o models/minilm");
        foreach (var option in new Option[] { sftDir, onnx, vocab, cased, model, output, overwrite }) command.Options.Add(option);
        command.SetHandler((parse, context) =>
        {
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            var sftSource = parse.GetValue(sftDir);
            var onnxSource = parse.GetValue(onnx);
            if (sftSource is null == onnxSource is null) throw new InvalidInputException("give exactly one of --sft-dir and --onnx");
            OutputDirectory.CheckWritable(outputPath, replace);
            var table = new ResultsTable("import", "what", "value");
            var json = new JsonObject { ["output"] = outputPath };
            if (sftSource is not null)
            {
                var modelName = parse.GetValue(model) ?? throw new InvalidInputException("--sft-dir needs --model: the base model the SFT was trained on (its names and shapes are checked)");
                var file = SftPaths.Resolve(sftSource);
                var sft = ComposableSftFile.Import(file);
                var (head, options) = SftHead.Infer([sft]);
                using var baseModel = BaseModel.Load(modelName, head, options);
                SftOperations.CheckCompatible(sft, baseModel.Parameters, new SftApplyOptions { SkipMissingAbs = false }, file);
                sft = sft.WithMetadata(sft.Metadata with
                {
                    BaseModel = modelName,
                    BaseModelChecksum = ModelChecksum.ForSft(baseModel.Parameters, sft),
                    Method = sft.Metadata.Method ?? "composable-sft",
                });
                SftPaths.SaveDirectory(sft, outputPath, replace);
                table.AddRow("source", file).AddRow("sft", Path.Combine(outputPath, SftPaths.SftFileName))
                    .AddRow("K (changed parameters)", sft.NonZeroCount).AddRow("abs tensors", (long)sft.Abs.Count);
                json["kind"] = "sft";
                json["sft"] = Path.Combine(outputPath, SftPaths.SftFileName);
                json["k"] = sft.NonZeroCount;
                json["absTensors"] = sft.Abs.Count;
            }
            else
            {
                if (!File.Exists(onnxSource)) throw new InvalidInputException("ONNX file not found", onnxSource);
                var vocabPath = parse.GetValue(vocab) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(onnxSource!))!, "vocab.txt");
                if (!File.Exists(vocabPath)) throw new InvalidInputException("vocab.txt not found (give it with --vocab)", vocabPath);
                var config = OnnxBertImporter.Import(onnxSource!, vocabPath, outputPath, new BertImportOptions { DoLowerCase = !parse.GetValue(cased) }, replace);
                table.AddRow("source", onnxSource).AddRow("model directory", outputPath).AddRow("config", config.ToString());
                json["kind"] = "onnx";
                json["model"] = outputPath;
            }
            context.Show(table.ToSpectre());
            context.WriteJson(json);
            return CliApp.ExitOk;
        });
        return command;
    }
}
