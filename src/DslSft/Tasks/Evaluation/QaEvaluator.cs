using DslSft.Data.Qa;
using DslSft.Metrics;
using DslSft.Tasks.Qa;

namespace DslSft.Tasks.Evaluation;

/// <summary>Extractive QA: best span over an example's windows, scored by SQuAD exact match and F1.</summary>
public sealed class QaEvaluator(int maxAnswerLength = 30)
{
    private readonly QaSpanDecoder _decoder = new(maxAnswerLength);
    private readonly SquadScore _score = new();

    public QaPrediction Add(QaExample example, IEnumerable<(QaFeature Feature, float[] StartLogits, float[] EndLogits)> windows)
    {
        var prediction = _decoder.Best(example, windows);
        _score.Add(prediction.Text, example.Answers.Select(a => a.Text).ToList());
        return prediction;
    }

    public EvaluationResult Result() => new(TaskKind.QuestionAnswering, _score.Questions,
        [new MetricValue("exact_match", _score.ExactMatch), new MetricValue("f1", _score.F1)]);
}
