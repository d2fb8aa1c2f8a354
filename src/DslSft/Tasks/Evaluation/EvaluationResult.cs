namespace DslSft.Tasks.Evaluation;

/// <summary>A named metric value; fractions are in [0, 1] (renderers show them as percentages).</summary>
public sealed record MetricValue(string Name, double Value, bool IsFraction = true);

/// <summary>What one evaluation run reports: the task, how many examples were scored, and the metrics in display order.</summary>
public sealed record EvaluationResult(TaskKind Task, long Examples, IReadOnlyList<MetricValue> Metrics)
{
    public double this[string name] => Metrics.First(m => m.Name == name).Value;
}
