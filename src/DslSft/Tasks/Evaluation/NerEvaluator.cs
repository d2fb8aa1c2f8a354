using DslSft.Metrics;

namespace DslSft.Tasks.Evaluation;

/// <summary>NER: argmax tag at each word's first subword, scored by seqeval-compatible span P/R/F1.</summary>
public sealed class NerEvaluator(LabelVocabulary tags)
{
    private readonly SpanF1 _spans = new();
    private long _sentences;

    public SpanF1 Spans => _spans;

    public string[] Add(IReadOnlyList<string> goldTags, ReadOnlySpan<float> logits, ReadOnlySpan<int> firstSubwords)
    {
        var predicted = TokenClassificationDecoder.Labels(TokenClassificationDecoder.PredictWords(logits, tags.Count, firstSubwords), tags);
        _spans.Add(goldTags, predicted);
        _sentences++;
        return predicted;
    }

    public EvaluationResult Result() => new(TaskKind.Ner, _sentences,
    [
        new MetricValue("precision", _spans.Precision), new MetricValue("recall", _spans.Recall),
        new MetricValue("f1", _spans.F1), new MetricValue("accuracy", _spans.TokenAccuracy),
    ]);
}
