namespace DslSft.Tasks;

/// <summary>Row-wise argmax over flat row-major score arrays (what a head's output tensor flattens to).</summary>
public static class Argmax
{
    /// <summary>The index of the largest value (the first on ties, like torch.argmax on CPU).</summary>
    public static int Of(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty) throw new ArgumentException("empty row");
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>Argmax of each row of a [rows, columns] array.</summary>
    public static int[] Rows(ReadOnlySpan<float> scores, int columns)
    {
        if (columns <= 0 || scores.Length % columns != 0) throw new ArgumentException($"{scores.Length} scores do not form rows of {columns}");
        var result = new int[scores.Length / columns];
        for (int r = 0; r < result.Length; r++) result[r] = Of(scores.Slice(r * columns, columns));
        return result;
    }
}
