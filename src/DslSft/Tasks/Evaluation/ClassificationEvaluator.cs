using DslSft.Metrics;

namespace DslSft.Tasks.Evaluation;

/// <summary>NLI and sentence classification: argmax class, scored by accuracy.</summary>
public sealed class ClassificationEvaluator(TaskKind task = TaskKind.Nli)
{
    private readonly Accuracy _accuracy = new();

    public int Add(int gold, ReadOnlySpan<float> logits)
    {
        int predicted = Argmax.Of(logits);
        _accuracy.Add(gold, predicted);
        return predicted;
    }

    public EvaluationResult Result() => new(task, _accuracy.Total, [new MetricValue("accuracy", _accuracy.Value)]);
}
