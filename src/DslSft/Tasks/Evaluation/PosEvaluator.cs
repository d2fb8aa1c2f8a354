using DslSft.Metrics;

namespace DslSft.Tasks.Evaluation;

/// <summary>POS tagging: argmax tag at each word's first subword, scored by word accuracy.</summary>
public sealed class PosEvaluator
{
    private readonly Accuracy _accuracy = new();
    private long _sentences;

    /// <param name="logits">One sentence's [sequence length, tags] scores.</param>
    public int[] Add(ReadOnlySpan<int> goldTags, ReadOnlySpan<float> logits, int tagCount, ReadOnlySpan<int> firstSubwords)
    {
        var predicted = TokenClassificationDecoder.PredictWords(logits, tagCount, firstSubwords);
        _accuracy.Add(goldTags, predicted);
        _sentences++;
        return predicted;
    }

    public EvaluationResult Result() => new(TaskKind.Pos, _sentences, [new MetricValue("accuracy", _accuracy.Value)]);
}
