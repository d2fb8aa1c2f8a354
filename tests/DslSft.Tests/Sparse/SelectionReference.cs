using DslSft.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Sparse;

/// <summary>TorchSharp-only reference for the selections: a stable descending sort of the concatenated |θ − θ0|.</summary>
internal static class SelectionReference
{
    /// <summary>
    /// Top-K by sorting: excluded entries get −1 (below every |Δ|, and k never reaches them); a stable
    /// descending sort keeps equal values in global position order, which is the documented tie order.
    /// </summary>
    public static long[][] TopK(IReadOnlyList<TensorPair> tensors, long k, IReadOnlyList<Tensor?>? excluded = null)
    {
        using var scope = NewDisposeScope();
        var sizes = tensors.Select(p => p.Current.numel()).ToArray();
        var parts = tensors.Select((p, t) =>
        {
            var d = (p.Initial is null ? p.Current : p.Current - p.Initial).abs().flatten();
            if (excluded?[t] is { } e && e.numel() > 0) d = d.index_fill(0, e, -1f);
            return d;
        }).ToArray();
        var (_, order) = cat(parts).sort(descending: true, stable: true);
        return Split(order[..(int)k].data<long>().ToArray(), sizes);
    }

    /// <summary>Top-K with torch.topk: valid only when the K-th value is not tied.</summary>
    public static long[][] TopKWithTorchTopk(IReadOnlyList<TensorPair> tensors, long k)
    {
        using var scope = NewDisposeScope();
        var sizes = tensors.Select(p => p.Current.numel()).ToArray();
        var all = cat(tensors.Select(p => (p.Current - p.Initial!).abs().flatten()).ToArray());
        var (_, positions) = all.topk((int)k);
        return Split(positions.data<long>().ToArray(), sizes);
    }

    /// <summary>Global positions -> per-tensor sorted flat indices.</summary>
    public static long[][] Split(long[] positions, long[] sizes)
    {
        var begin = new long[sizes.Length + 1];
        for (int t = 0; t < sizes.Length; t++) begin[t + 1] = begin[t] + sizes[t];
        var lists = sizes.Select(_ => new List<long>()).ToArray();
        foreach (var g in positions)
        {
            int t = 0;
            while (g >= begin[t + 1]) t++;
            lists[t].Add(g - begin[t]);
        }
        return lists.Select(l => l.Order().ToArray()).ToArray();
    }

    public static long[][] ToArrays(Tensor[] lists) => lists.Select(l => l.data<long>().ToArray()).ToArray();
}
