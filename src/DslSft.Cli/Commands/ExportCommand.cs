using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Sft.Formats;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft export`: writes a model (SFTs applied) as a Hugging Face directory that transformers loads with from_pretrained,
/// or (<c>--format composable-sft</c>) one SFT as a directory that composable-sft's <c>SFT(path)</c> loads.
/// </summary>
public static class ExportCommand
{
    /// <summary>The --format value that writes an SFT for the original Python library.</summary>
    public const string ComposableSftFormat = "composable-sft";

    /// <summary>What an SFT exported for composable-sft carries beside <c>pytorch_diff.bin</c>: the metadata that format has no place for.</summary>
    public const string MetadataFileName = "sft_metadata.json";

    public static Command Create()
    {
        var format = new Option<string>("--format")
        {
            Description = "'hf': the model with SFTs applied, as a Hugging Face directory; 'composable-sft': the one --sft as a directory " +
                          "that composable-sft's SFT(path) loads (pytorch_diff.bin, plus the DslSft metadata in " + MetadataFileName + "; no --model needed).",
            DefaultValueFactory = _ => "hf",
        }.AcceptOnlyFromAmong("hf", ComposableSftFormat);
        return Create("export", "Write a model, with SFTs applied, as a Hugging Face directory (config.json, model.safetensors, tokenizer files), or an SFT in composable-sft's format.",
            ["dslsft export -m minilm --sft sft/task-pos -o hf/minilm-pos", "dslsft export -m ../shared/fixtures/tiny-bert -o hf/tiny-bert --json -",
             "dslsft export --format composable-sft --sft sft/lang-mt -o sft/lang-mt-python"], format);
    }

    /// <summary>The command body shared by `export` and `compose`, which write the same thing under two names.</summary>
    internal static Command Create(string name, string description, params string[] examples) => Create(name, description, examples, format: null);

    private static Command Create(string name, string description, string[] examples, Option<string>? format)
    {
        // With --format the model is checked in the handler: the composable-sft format does not need one.
        var model = CommonOptions.Model(required: format is null);
        var sfts = CommonOptions.Sft();
        var output = CommonOptions.Output(format is null
            ? "Model directory to write (config.json, model.safetensors, tokenizer files), atomically."
            : "Directory to write (the model, or with --format composable-sft the SFT), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var command = CliCommand.Create(name, description, examples);
        command.Options.Add(model);
        command.Options.Add(sfts);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        if (format is not null) command.Options.Add(format);
        command.SetHandler((parse, context) =>
        {
            if (format is not null && parse.GetValue(format) == ComposableSftFormat)
                return WriteComposableSft(context, parse.GetValue(sfts) ?? [], parse.GetValue(output)!, parse.GetValue(overwrite));
            var modelPath = parse.GetValue(model) ?? throw new InvalidInputException("--model is required to export a model (only --format composable-sft writes an SFT alone)");
            var summary = ModelExport.Write(modelPath, parse.GetValue(sfts) ?? [], parse.GetValue(output)!, parse.GetValue(overwrite));
            var table = new ResultsTable(name, "what", "value");
            table.AddRow("output", summary.Output);
            table.AddRow("base model", summary.BaseDirectory);
            table.AddRow("head", summary.Head.ToString());
            table.AddRow("changed entries applied", summary.AppliedEntries);
            table.AddRow("abs tensors replaced", (long)summary.AbsTensors);
            context.Show(table.ToSpectre());
            context.WriteJson(new JsonObject
            {
                ["output"] = summary.Output,
                ["baseModel"] = summary.BaseDirectory,
                ["head"] = summary.Head.ToString(),
                ["appliedEntries"] = summary.AppliedEntries,
                ["absTensors"] = summary.AbsTensors,
            });
            return CliApp.ExitOk;
        });
        return command;
    }

    private static int WriteComposableSft(CliContext context, string[] sftPaths, string output, bool overwrite)
    {
        if (sftPaths.Length != 1)
            throw new InvalidInputException($"--format composable-sft writes one SFT: give exactly one --sft (got {sftPaths.Length}; 'dslsft merge' combines several)");
        var sft = SftPaths.Load(sftPaths[0]);
        OutputDirectory.Write(output, overwrite, directory =>
        {
            Directory.CreateDirectory(directory);
            ComposableSftFile.Export(sft, directory);
            var metadata = new JsonObject
            {
                ["base_model"] = sft.Metadata.BaseModel,
                ["base_model_checksum"] = sft.Metadata.BaseModelChecksum,
                ["training_arguments"] = new JsonObject(sft.Metadata.TrainingArguments.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            };
            File.WriteAllText(Path.Combine(directory, MetadataFileName), metadata.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return directory;
        });
        long entries = sft.Diffs.Values.Sum(d => d.Indices.numel());
        var table = new ResultsTable("export", "what", "value");
        table.AddRow("output", OutputDirectory.Full(output));
        table.AddRow("format", ComposableSftFormat);
        table.AddRow("diff entries", entries);
        table.AddRow("abs tensors", (long)sft.Abs.Count);
        context.Show(table.ToSpectre());
        context.WriteJson(new JsonObject
        {
            ["output"] = OutputDirectory.Full(output),
            ["format"] = ComposableSftFormat,
            ["diffEntries"] = entries,
            ["absTensors"] = sft.Abs.Count,
        });
        return CliApp.ExitOk;
    }
}
