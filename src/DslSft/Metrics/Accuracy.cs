namespace DslSft.Metrics;

/// <summary>Accumulating accuracy (POS tagging, NLI): correct / total, positions with a negative gold id ignored.</summary>
public sealed class Accuracy
{
    public long Correct { get; private set; }

    public long Total { get; private set; }

    /// <summary>Fraction correct in [0, 1]; 0 when nothing was scored.</summary>
    public double Value => Total == 0 ? 0 : (double)Correct / Total;

    public void Add(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted)
    {
        if (gold.Length != predicted.Length) throw new ArgumentException($"{gold.Length} gold labels but {predicted.Length} predictions");
        for (int i = 0; i < gold.Length; i++)
        {
            if (gold[i] < 0) continue;
            Total++;
            if (gold[i] == predicted[i]) Correct++;
        }
    }

    public void Add(int gold, int predicted) => Add([gold], [predicted]);
}
