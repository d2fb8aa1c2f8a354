namespace DslSft.Metrics;

/// <summary>
/// Entity-level precision, recall and F1 for NER, matching seqeval's default mode as composable-sft
/// reports it: a predicted entity counts only if type and both boundaries match a gold entity.
/// Sentences are scored independently (seqeval joins them with an O, which is equivalent). Also keeps
/// per-type counts and token accuracy (seqeval's <c>overall_accuracy</c>).
/// </summary>
public sealed class SpanF1
{
    private readonly Dictionary<string, (long Gold, long Predicted, long Correct)> _byType = new(StringComparer.Ordinal);
    private long _tokens;
    private long _tokensCorrect;
    private int _offset;

    public long GoldCount { get; private set; }

    public long PredictedCount { get; private set; }

    public long CorrectCount { get; private set; }

    public double Precision => Ratio(CorrectCount, PredictedCount);

    public double Recall => Ratio(CorrectCount, GoldCount);

    public double F1 => Harmonic(Precision, Recall);

    public double TokenAccuracy => Ratio(_tokensCorrect, _tokens);

    /// <summary>Scores one sentence's tag sequences (same length).</summary>
    public void Add(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold tags but {predicted.Count} predicted");
        var goldChunks = EntityChunker.Chunks(gold, _offset);
        var predictedChunks = EntityChunker.Chunks(predicted, _offset);
        _offset += gold.Count + 1;
        var goldSet = new HashSet<EntitySpan>(goldChunks);
        foreach (var span in goldChunks) Bump(span.Type, gold: 1);
        foreach (var span in predictedChunks)
        {
            bool correct = goldSet.Contains(span);
            Bump(span.Type, predicted: 1, correct: correct ? 1 : 0);
        }
        for (int i = 0; i < gold.Count; i++)
        {
            _tokens++;
            if (gold[i] == predicted[i]) _tokensCorrect++;
        }
    }

    /// <summary>Per-type scores, sorted by type.</summary>
    public IReadOnlyList<TypeScore> ByType() =>
        _byType.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv =>
            {
                double p = Ratio(kv.Value.Correct, kv.Value.Predicted), r = Ratio(kv.Value.Correct, kv.Value.Gold);
                return new TypeScore(kv.Key, p, r, Harmonic(p, r), kv.Value.Gold);
            })
            .ToList();

    public sealed record TypeScore(string Type, double Precision, double Recall, double F1, long Support);

    private void Bump(string type, long gold = 0, long predicted = 0, long correct = 0)
    {
        _byType.TryGetValue(type, out var c);
        _byType[type] = (c.Gold + gold, c.Predicted + predicted, c.Correct + correct);
        GoldCount += gold;
        PredictedCount += predicted;
        CorrectCount += correct;
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;

    private static double Harmonic(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}
