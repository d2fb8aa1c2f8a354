using System.CommandLine;
using System.Text.Json.Nodes;
using DslSft.Cli.Infrastructure;
using DslSft.Cli.Rendering;
using DslSft.Cli.Wiring;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tasks;

namespace DslSft.Cli.Commands;

/// <summary>
/// `dslsft merge`: several SFTs → one SFT (diffs summed over the union of supports, abs tensors of later SFTs winning),
/// e.g. to ship a language + task bundle as a single SFT directory. (`compose` applies SFTs to a model instead.)
/// </summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var sfts = CommonOptions.Sft(required: true);
        var output = CommonOptions.Output("SFT directory to write (sft.safetensors), atomically.");
        var overwrite = CommonOptions.Overwrite();
        var storage = new Option<string>("--storage")
        {
            Description = "How the output stores its diffs (docs/sft-format.md): full (lossless, format 1), compact (exact int32 indices, " +
                          "8-bit block values: about 5 bytes per sparse entry, 1.07 per dense one) or compact-q4 (4-bit values, for dense fine-tunings).",
            DefaultValueFactory = _ => "full",
        };
        storage.AcceptOnlyFromAmong("full", "compact", "compact-q4");
        var command = CliCommand.Create("merge", "Merge several SFTs into one SFT file (sum of differences; later abs head tensors win). With one --sft, re-stores it (--storage).",
            "dslsft merge --sft sft/lang-mt --sft sft/task-dp -o sft/mt-dp",
            "dslsft merge --sft sft/lang-mt -o sft/lang-mt-small --storage compact");
        command.Options.Add(sfts);
        command.Options.Add(output);
        command.Options.Add(overwrite);
        command.Options.Add(storage);
        command.SetHandler((parse, context) =>
        {
            var outputPath = parse.GetValue(output)!;
            bool replace = parse.GetValue(overwrite);
            OutputDirectory.CheckWritable(outputPath, replace);
            var paths = parse.GetValue(sfts)!;
            var inputs = SftPaths.LoadAll(paths);
            var merged = WithHeadRecord(SftOperations.Merge(inputs), inputs);
            var chosen = parse.GetValue(storage) switch { "compact" => SftStorage.Compact, "compact-q4" => SftStorage.CompactQ4, _ => SftStorage.Full };
            SftPaths.SaveDirectory(merged, outputPath, replace, chosen);

            var table = new ResultsTable("merge", "sft", "K", "abs tensors");
            for (int i = 0; i < paths.Length; i++) table.AddRow(paths[i], inputs[i].NonZeroCount, (long)inputs[i].Abs.Count);
            table.AddRow($"= {outputPath}", merged.NonZeroCount, (long)merged.Abs.Count);
            context.Show(table.ToSpectre());
            context.WriteJson(new JsonObject
            {
                ["output"] = outputPath,
                ["sft"] = Path.Combine(outputPath, SftPaths.SftFileName),
                ["inputs"] = new JsonArray(paths.Select(p => (JsonNode)p).ToArray()),
                ["k"] = merged.NonZeroCount,
                ["absTensors"] = merged.Abs.Count,
                ["storage"] = parse.GetValue(storage),
            });
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// The merged SFT keeps the head of the last input that has one (abs tensors of later SFTs win), so it also keeps that
    /// input's record of the task and label set: eval reads the head with it.
    /// </summary>
    private static SparseFineTuning WithHeadRecord(SparseFineTuning merged, IReadOnlyList<SparseFineTuning> inputs)
    {
        var head = inputs.LastOrDefault(s => s.Metadata.TrainingArguments.ContainsKey(TaskWirings.LabelsArgument)
            || (s.Metadata.TrainingArguments.GetValueOrDefault(TaskWirings.TaskArgument) is { } task && TaskKinds.TryParse(task, out _)));
        if (head is null) return merged;
        var arguments = new Dictionary<string, string>(merged.Metadata.TrainingArguments);
        foreach (var key in new[] { TaskWirings.TaskArgument, TaskWirings.LabelsArgument })
            if (head.Metadata.TrainingArguments.TryGetValue(key, out var value)) arguments[key] = value;
        return merged.WithMetadata(merged.Metadata with { TrainingArguments = arguments });
    }
}
