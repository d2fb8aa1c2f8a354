namespace DslSft.Sft.Operations;

/// <summary>
/// Sums sparse diffs of one tensor over the union of their supports. Inputs are merged pairwise in list
/// order, so an entry present in several diffs is ((d1 + d2) + d3) in float32: deterministic and the same
/// for <see cref="SftOperations.Merge"/> and the fused <see cref="SftOperations.Compose"/>.
/// </summary>
internal static class SparseDiffUnion
{
    public static SparseDiff Sum(string name, IReadOnlyList<SparseDiff> diffs)
    {
        if (diffs.Count == 0) throw new ArgumentException("no diffs to sum", nameof(diffs));
        var shape = diffs[0].Shape;
        foreach (var d in diffs)
            if (!d.Shape.SequenceEqual(shape))
                throw new InvalidInputException($"diff tensor '{name}' has shape [{string.Join(", ", d.Shape)}] in one SFT and [{string.Join(", ", shape)}] in another");
        if (diffs.Count == 1) return diffs[0];

        var (accIdx, accVal) = diffs[0].ToArrays();
        for (int s = 1; s < diffs.Count; s++)
        {
            var (idx, val) = diffs[s].ToArrays();
            var outIdx = new long[accIdx.Length + idx.Length];
            var outVal = new float[outIdx.Length];
            int i = 0, j = 0, n = 0;
            while (i < accIdx.Length || j < idx.Length)
            {
                if (j == idx.Length || (i < accIdx.Length && accIdx[i] < idx[j])) { outIdx[n] = accIdx[i]; outVal[n++] = accVal[i++]; }
                else if (i == accIdx.Length || idx[j] < accIdx[i]) { outIdx[n] = idx[j]; outVal[n++] = val[j++]; }
                else { outIdx[n] = accIdx[i]; outVal[n++] = accVal[i++] + val[j++]; }
            }
            accIdx = outIdx[..n];
            accVal = outVal[..n];
        }
        return SparseDiff.FromArrays(shape, accIdx, accVal);
    }
}
