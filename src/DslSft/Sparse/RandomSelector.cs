using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// K entries uniformly at random among the eligible entries of many tensors: the random-mask baseline of
/// LT-SFT. Every K-subset is equally likely; the same seed gives the same selection on every machine and
/// thread count. O(eligible entries) time (one sequential pass, no values read), no memory beyond the output.
/// </summary>
public static unsafe class RandomSelector
{
    /// <summary>Selects <paramref name="k"/> entries of <paramref name="tensors"/> (only their sizes are used) uniformly at random.</summary>
    /// <param name="excluded">Optional, one per tensor: sorted flat indices that may not be selected.</param>
    /// <returns>One 1-D int64 tensor per input tensor with its selected row-major flat indices, strictly increasing.</returns>
    public static Tensor[] Select(IReadOnlyList<TensorPair> tensors, long k, ulong seed, IReadOnlyList<Tensor?>? excluded = null) =>
        NativeSelection.Run(tensors, k, excluded, readsValues: false,
            (d, count, kk, outIndices, outCounts) => SparseNativeMethods.dslsft_random_select(d, count, kk, seed, outIndices, outCounts));
}
