using System.ComponentModel;
using System.Runtime.InteropServices;
using DslSft.Native;
using static TorchSharp.torch;

namespace DslSft.Kernels;

/// <summary>
/// The sparse index lists of many parameter tensors (typically every maskable tensor of a model), checked
/// once and laid out for multi-tensor kernels: one launch updates every tensor's selected elements.
/// </summary>
/// <remarks>
/// Tensor t has <see cref="Sizes"/>[t] elements (its numel) and <see cref="Counts"/>[t] selected flat
/// row-major indices (int64, strictly increasing). Its compact state (Adam moments, θ0, a diff's values)
/// is the slice [<see cref="Offsets"/>[t], Offsets[t] + Counts[t]) of one concatenated K-length buffer,
/// K = <see cref="TotalCount"/>. The indices are validated when the set is built, so multi-tensor kernel
/// calls skip the O(K) check (the hot path). The set keeps the index tensors alive; do not modify or
/// dispose them while the set is in use.
/// </remarks>
public sealed unsafe class SparseTensorSet
{
    private readonly Tensor[] indices;
    // Pinned so generated entry points can hand their addresses to native code without copying per call.
    private readonly long[] sizes;
    private readonly long[] counts;
    private readonly long[] offsets;
    private readonly nint[] indexPointers;

    private SparseTensorSet(Tensor[] indices, long[] sizes, string[] names)
    {
        this.indices = indices;
        Names = names;
        int n = indices.Length;
        this.sizes = GC.AllocateArray<long>(n, pinned: true);
        counts = GC.AllocateArray<long>(n, pinned: true);
        offsets = GC.AllocateArray<long>(n, pinned: true);
        indexPointers = GC.AllocateArray<nint>(n, pinned: true);
        long total = 0;
        for (int t = 0; t < n; t++)
        {
            var idx = indices[t];
            string what = $"indices of tensor {t} '{names[t]}'";
            if (idx.dim() != 1) throw new ArgumentException($"{what}: expected a 1-D int64 tensor, got shape [{string.Join(", ", idx.shape)}]");
            if (sizes[t] < 0) throw new ArgumentException($"tensor {t} '{names[t]}': size must be >= 0, got {sizes[t]}");
            var p = TensorMemory.Int64(idx, what);
            IndexValidation.Check(p, idx.numel(), sizes[t], what);
            this.sizes[t] = sizes[t];
            counts[t] = idx.numel();
            offsets[t] = total;
            indexPointers[t] = (nint)p;
            total += counts[t];
        }
        TotalCount = total;
    }

    /// <summary>Checks and lays out the index lists. <paramref name="sizes"/>[t] is the numel of tensor t.</summary>
    /// <param name="names">Tensor names for error messages (e.g. HF parameter names); defaults to "#t".</param>
    public static SparseTensorSet Create(IReadOnlyList<Tensor> indices, IReadOnlyList<long> sizes, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(sizes);
        if (indices.Count != sizes.Count)
            throw new ArgumentException($"{indices.Count} index tensors but {sizes.Count} sizes");
        if (names is not null && names.Count != indices.Count)
            throw new ArgumentException($"{indices.Count} index tensors but {names.Count} names");
        var nameArray = Enumerable.Range(0, indices.Count).Select(t => names?[t] ?? $"#{t}").ToArray();
        return new SparseTensorSet(indices.ToArray(), sizes.ToArray(), nameArray);
    }

    /// <summary>Number of tensors in the set.</summary>
    public int Count => indices.Length;

    /// <summary>K: total selected elements over all tensors (the length of each concatenated compact buffer).</summary>
    public long TotalCount { get; }

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<Tensor> Indices => indices;
    public IReadOnlyList<long> Sizes => sizes;
    public IReadOnlyList<long> Counts => counts;
    public IReadOnlyList<long> Offsets => offsets;

    // Raw views for generated multi-tensor entry points (valid while the set is alive: the arrays are
    // pinned). Public because rules may live in other assemblies; not meant for hand-written callers.
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long* SizesPointer => Count == 0 ? null : (long*)Marshal.UnsafeAddrOfPinnedArrayElement(sizes, 0);
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long* CountsPointer => Count == 0 ? null : (long*)Marshal.UnsafeAddrOfPinnedArrayElement(counts, 0);
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long* OffsetsPointer => Count == 0 ? null : (long*)Marshal.UnsafeAddrOfPinnedArrayElement(offsets, 0);
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long** IndexPointers => Count == 0 ? null : (long**)Marshal.UnsafeAddrOfPinnedArrayElement(indexPointers, 0);

    /// <summary>Keeps the index tensors reachable until after a native call.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void KeepAlive() => GC.KeepAlive(indices);
}
