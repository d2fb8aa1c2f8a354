using static TorchSharp.torch;

namespace DslSft.Cli.Wiring.Tasks;

/// <summary>The padded int64 tensors every task's collate function builds from its examples' rows.</summary>
internal static class BatchTensors
{
    /// <summary>[batch, longest row] of the rows <paramref name="row"/> selects, right-padded with <paramref name="fill"/>.</summary>
    public static Tensor Pad<T>(IReadOnlyList<T> batch, Func<T, long[]> row, long fill)
    {
        int length = batch.Max(e => row(e).Length);
        var values = new long[batch.Count * length];
        Array.Fill(values, fill);
        for (int b = 0; b < batch.Count; b++)
        {
            var r = row(batch[b]);
            Array.Copy(r, 0, values, b * length, r.Length);
        }
        return tensor(values).reshape(batch.Count, length);
    }

    /// <summary>The attention mask for <see cref="Pad{T}"/>: 1 over each row's own tokens, 0 over its padding.</summary>
    public static Tensor Mask<T>(IReadOnlyList<T> batch, Func<T, long[]> row)
    {
        int length = batch.Max(e => row(e).Length);
        var values = new long[batch.Count * length];
        for (int b = 0; b < batch.Count; b++) Array.Fill(values, 1L, b * length, row(batch[b]).Length);
        return tensor(values).reshape(batch.Count, length);
    }

    /// <summary>One value per example: [batch].</summary>
    public static Tensor PerExample<T>(IReadOnlyList<T> batch, Func<T, long> value) => tensor(batch.Select(value).ToArray());
}
