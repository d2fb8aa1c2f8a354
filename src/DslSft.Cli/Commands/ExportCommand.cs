using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft export`: writes a model (SFTs applied) as a Hugging Face directory that transformers loads with from_pretrained.</summary>
public static class ExportCommand
{
    public static Command Create() =>
        Create("export", "Write a model, with SFTs applied, as a Hugging Face directory (config.json, model.safetensors, tokenizer files).",
            "dslsft export -m minilm --sft sft/task-pos -o hf/minilm-pos", "dslsft export -m ../shared/fixtures/tiny-bert -o hf/tiny-bert --json -");

    /// <summary>The command body shared by `export` and `compose`, which write the same thing under two names.</summary>
    internal static Command Create(string name, string description, params string[] examples)
    {
        var model = CommonOptions.Model();
        var sfts = CommonOptions.Sft();
        var output = CommonOptions.Output("Model directory to write (config.json, model.safetensors, tokenizer files), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var command = CliCommand.Create(name, description, examples);
        command.Options.Add(model);
        command.Options.Add(sfts);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        command.SetHandler((parse, context) =>
        {
            var summary = ModelExport.Write(parse.GetValue(model)!, parse.GetValue(sfts) ?? [], parse.GetValue(output)!, parse.GetValue(overwrite));
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
}
