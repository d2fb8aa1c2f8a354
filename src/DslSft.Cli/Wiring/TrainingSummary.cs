using System.Text.Json.Nodes;
using DslSft.Cli.Rendering;
using DslSft.Engine;

namespace DslSft.Cli.Wiring;

/// <summary>The result table and JSON both training commands print: where the SFT went, K, examples and losses.</summary>
public static class TrainingSummary
{
    public static ResultsTable Table(string title, string output, long examples, LtSftResult result)
    {
        var table = new ResultsTable(title, "what", "value");
        table.AddRow("sft", Path.Combine(output, SftPaths.SftFileName));
        table.AddRow("examples", examples);
        table.AddRow("K (changed parameters)", result.K);
        table.AddRow("dense head tensors", (long)result.Sft.Abs.Count);
        table.AddRow("final full-phase loss", LastLoss(result, "full")?.ToString("F4") ?? "");
        table.AddRow("final sparse-phase loss", LastLoss(result, "sparse")?.ToString("F4") ?? "");
        foreach (var (name, value) in result.LastEvaluation ?? new Dictionary<string, double>())
            table.AddRow($"validation {name}", value.ToString("F4"));
        return table;
    }

    public static JsonObject Json(string output, long examples, LtSftResult result)
    {
        var evaluation = new JsonObject();
        foreach (var (name, value) in result.LastEvaluation ?? new Dictionary<string, double>()) evaluation[name] = value;
        return new JsonObject
        {
            ["output"] = output,
            ["sft"] = Path.Combine(output, SftPaths.SftFileName),
            ["examples"] = examples,
            ["k"] = result.K,
            ["absTensors"] = result.Sft.Abs.Count,
            ["finalFullLoss"] = LastLoss(result, "full"),
            ["finalSparseLoss"] = LastLoss(result, "sparse"),
            ["steps"] = result.Log.Count(e => e.Event == "step"),
            ["evaluation"] = evaluation,
        };
    }

    private static double? LastLoss(LtSftResult result, string phase) =>
        result.Log.LastOrDefault(e => e.Event == "step" && e.Phase.StartsWith(phase, StringComparison.OrdinalIgnoreCase) && e.Loss is not null)?.Loss;
}
