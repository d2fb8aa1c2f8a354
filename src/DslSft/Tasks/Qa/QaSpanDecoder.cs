using DslSft.Data.Qa;

namespace DslSft.Tasks.Qa;

/// <summary>A predicted answer: its text and character span in the context, and the start+end logit score.</summary>
public sealed record QaPrediction(int ExampleIndex, string Text, int CharStart, int CharEnd, double Score);

/// <summary>
/// Picks the answer span for a QA example from the start/end logits of all its windows: the pair
/// (start ≤ end, both on context tokens, at most <c>maxAnswerLength</c> tokens) with the highest
/// start + end logit, over every window. HF's post-processing searches only the top-20 starts and ends;
/// searching every pair finds the same span whenever that one is valid, and the true best otherwise.
/// </summary>
public sealed class QaSpanDecoder(int maxAnswerLength = 30)
{
    public int MaxAnswerLength { get; } = maxAnswerLength > 0 ? maxAnswerLength : throw new ArgumentOutOfRangeException(nameof(maxAnswerLength));

    /// <summary>Best span of one window, or null when the window has no context token.</summary>
    public QaPrediction? Best(QaExample example, QaFeature feature, ReadOnlySpan<float> startLogits, ReadOnlySpan<float> endLogits)
    {
        int length = feature.Input.Length;
        if (startLogits.Length < length || endLogits.Length < length)
            throw new ArgumentException($"logits cover {Math.Min(startLogits.Length, endLogits.Length)} positions, the window has {length}");
        int bestStart = -1, bestEnd = -1;
        double bestScore = double.NegativeInfinity;
        for (int s = 0; s < length; s++)
        {
            if (!feature.IsContextToken(s)) continue;
            int last = Math.Min(length - 1, s + MaxAnswerLength - 1);
            for (int e = s; e <= last; e++)
            {
                if (!feature.IsContextToken(e)) continue;
                double score = (double)startLogits[s] + endLogits[e];
                if (score > bestScore) (bestStart, bestEnd, bestScore) = (s, e, score);
            }
        }
        if (bestStart < 0) return null;
        int charStart = feature.CharStarts[bestStart], charEnd = feature.CharEnds[bestEnd];
        return new QaPrediction(feature.ExampleIndex, example.Context[charStart..charEnd], charStart, charEnd, bestScore);
    }

    /// <summary>Best span over all windows of one example (windows given with their logits).</summary>
    public QaPrediction Best(QaExample example, IEnumerable<(QaFeature Feature, float[] StartLogits, float[] EndLogits)> windows)
    {
        QaPrediction? best = null;
        int index = -1;
        foreach (var (feature, start, end) in windows)
        {
            index = feature.ExampleIndex;
            var candidate = Best(example, feature, start, end);
            if (candidate is not null && (best is null || candidate.Score > best.Score)) best = candidate;
        }
        return best ?? new QaPrediction(index, "", 0, 0, double.NegativeInfinity);
    }
}
