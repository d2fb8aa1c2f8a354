using System.Text.Json.Nodes;
using DslSft.Cli.Rendering;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>
/// The scores table eval prints (and train-task for its validation data): one row per data file, titled with the task
/// and how it was scored (parsing: decoding and whether punctuation counts); the JSON carries both as fields too.
/// </summary>
public static class EvaluationTable
{
    public static ResultsTable Create(TaskWiring wiring, string title, IReadOnlyList<(string Data, EvaluationResult Result)> rows) =>
        ResultsTable.FromEvaluations($"{title} ({wiring.Kind.Name()}{(wiring.ScoringNote is { } note ? "; " + note : "")})", "data", rows);

    public static JsonObject Json(TaskWiring wiring, ResultsTable table)
    {
        var json = table.ToJson();
        json["task"] = wiring.Kind.Name();
        json["scoring"] = wiring.ScoringNote;
        return json;
    }
}
