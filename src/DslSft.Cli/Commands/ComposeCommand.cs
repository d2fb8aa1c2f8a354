using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Sft.Operations;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft compose`: adds several SFTs into one (diffs summed over the union of supports, abs tensors of later SFTs
/// winning), e.g. to ship a language + task bundle as a single SFT directory.
/// </summary>
public static class ComposeCommand
{
    public static Command Create()
    {
        var sfts = CommonOptions.Sft(required: true);
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var command = CliCommand.Create("compose", "Add several SFTs into one SFT (sum of differences; later abs head tensors win).",
            "dslsft compose --sft sft/lang-mt --sft sft/task-dp -o sft/mt-dp");
        command.Options.Add(sfts);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        command.SetHandler((parse, context) =>
        {
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            OutputDirectory.CheckWritable(outputPath, replace);
            var paths = parse.GetValue(sfts)!;
            var inputs = SftPaths.LoadAll(paths);
            var composed = SftOperations.Merge(inputs);
            SftPaths.SaveDirectory(composed, outputPath, replace);

            var table = new ResultsTable("compose", "sft", "K", "abs tensors");
            for (int i = 0; i < paths.Length; i++) table.AddRow(paths[i], inputs[i].NonZeroCount, (long)inputs[i].Abs.Count);
            table.AddRow($"= {outputPath}", composed.NonZeroCount, (long)composed.Abs.Count);
            context.Show(table.ToSpectre());
            context.WriteJson(new JsonObject
            {
                ["output"] = outputPath,
                ["sft"] = Path.Combine(outputPath, SftPaths.SftFileName),
                ["inputs"] = new JsonArray(paths.Select(p => (JsonNode)p).ToArray()),
                ["k"] = composed.NonZeroCount,
                ["absTensors"] = composed.Abs.Count,
            });
            return CliApp.ExitOk;
        });
        return command;
    }
}
