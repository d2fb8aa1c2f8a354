using DslSft.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// Sorted row-major flat int64 index lists (the form of SFT diffs and selection results): validation, and
/// compaction from a dense mask or a threshold on |θ − θ0|.
/// </summary>
public static unsafe class IndexLists
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="name"/> and the first bad position unless
    /// <paramref name="indices"/> (1-D int64) is strictly increasing and inside [0, <paramref name="size"/>).
    /// </summary>
    public static void Validate(string name, Tensor indices, long size)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.dim() != 1)
            throw new ArgumentException($"tensor '{name}': an index list must be 1-D, got shape [{string.Join(", ", indices.shape)}]");
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "size must be >= 0");
        var p = TensorMemory.Int64(indices, name + " (indices)");
        NativeSelection.ThrowFor(SparseNativeMethods.dslsft_validate_indices(name, p, indices.numel(), size));
        GC.KeepAlive(indices);
    }

    /// <summary>The flat indices where a bool (or uint8) mask is nonzero, increasing, as a 1-D int64 tensor.</summary>
    public static Tensor FromMask(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dtype is not (ScalarType.Bool or ScalarType.Byte))
            throw new ArgumentException($"mask: expected dtype Bool or Byte, got {mask.dtype}", nameof(mask));
        TensorMemory.Require(mask, mask.dtype, nameof(mask));
        var n = mask.numel();
        byte* p = n == 0 ? null : MaskAddress(mask);
        long count;
        NativeSelection.ThrowFor(SparseNativeMethods.dslsft_count_mask(p, n, &count));
        var result = empty(count, dtype: int64);
        long written;
        NativeSelection.ThrowFor(SparseNativeMethods.dslsft_compact_mask(p, n, TensorMemory.Int64(result, "result"), count, &written));
        GC.KeepAlive(mask);
        return result;
    }

    /// <summary>
    /// The flat indices where |current − initial| &gt; <paramref name="threshold"/> (|current| when initial is null),
    /// increasing, as a 1-D int64 tensor. NaN differences are never selected.
    /// </summary>
    public static Tensor AboveThreshold(Tensor current, Tensor? initial, float threshold)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (float.IsNaN(threshold)) throw new ArgumentException("threshold is NaN", nameof(threshold));
        var n = current.numel();
        var v = TensorMemory.Float32(current, nameof(current));
        float* b = null;
        if (initial is not null)
        {
            if (initial.numel() != n)
                throw new ArgumentException($"initial has {initial.numel()} elements but current has {n}", nameof(initial));
            b = TensorMemory.Float32(initial, nameof(initial));
        }
        long count;
        NativeSelection.ThrowFor(SparseNativeMethods.dslsft_count_abs_diff_above(v, b, n, threshold, &count));
        var result = empty(count, dtype: int64);
        long written;
        NativeSelection.ThrowFor(SparseNativeMethods.dslsft_compact_abs_diff_above(v, b, n, threshold, TensorMemory.Int64(result, "result"), count, &written));
        GC.KeepAlive(current);
        GC.KeepAlive(initial);
        return result;
    }

    // TensorMemory covers float/int types only; a bool or uint8 tensor's bytes are read through its byte storage.
    private static byte* MaskAddress(Tensor mask) =>
        mask.dtype == ScalarType.Bool
            ? (byte*)mask.storage<bool>().data_ptr() + mask.storage_offset()
            : (byte*)mask.storage<byte>().data_ptr() + mask.storage_offset();
}
