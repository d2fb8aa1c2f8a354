using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;

namespace DslSft.Cli.Commands;

/// <summary>`dslsft merge`: applies SFTs to the base model and writes the result as a dense model directory.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var sfts = CommonOptions.Sft();
        var output = CommonOptions.Output("Model directory to write (config.json, model.safetensors, tokenizer files), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var command = CliCommand.Create("merge", "Apply SFTs to the base model and write the dense result as a model directory.",
            "dslsft merge -m minilm --sft sft/lang-mt --sft sft/task-dp -o models/minilm-mt-dp");
        command.Options.Add(model);
        command.Options.Add(sfts);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        command.SetHandler((parse, context) =>
        {
            var summary = ModelExport.Write(parse.GetValue(model)!, parse.GetValue(sfts) ?? [], parse.GetValue(output)!, parse.GetValue(overwrite));
            var table = new ResultsTable("merge", "what", "value");
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
