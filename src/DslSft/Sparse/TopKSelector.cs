using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// Exact top-K of |θ − θ0| across many parameter tensors at once: the LT-SFT mask selection step
/// ("the K maskable entries that changed most across the whole model").
/// </summary>
/// <remarks>
/// Native two-level radix select over the bits of |θ − θ0| (native/src/sparse_topk.cpp): O(N), two passes
/// over θ and θ0 (a 64 Ki-entry sample predicts where the threshold lies, so even millions of nearly equal changes
/// need no third pass), extra memory O(histograms + candidates) and never O(N).
/// Ties at the K-th value go to the lower tensor position, then the lower flat index; −0 equals +0 and
/// +Inf ranks above every finite value. A NaN among the eligible entries throws, naming the tensor and index.
/// </remarks>
public static unsafe class TopKSelector
{
    /// <summary>
    /// Selects exactly <paramref name="k"/> eligible entries with the largest |θ − θ0| over all <paramref name="tensors"/>.
    /// </summary>
    /// <param name="tensors">The candidate parameters (leave frozen ones out).</param>
    /// <param name="k">How many entries to select in total; at most the number of eligible entries.</param>
    /// <param name="excluded">Optional, one per tensor (null entries allowed): sorted row-major flat int64 indices that
    /// may not be selected, such as those already selected in an earlier iteration.</param>
    /// <returns>One 1-D int64 tensor per input tensor: its selected row-major flat indices, strictly increasing.
    /// The lists are views into one buffer of K entries (disposing one list does not free the others).</returns>
    /// <exception cref="ArgumentException">Bad input (wrong dtype/device/contiguity, mismatched sizes, bad exclusion
    /// list, K above the number of eligible entries, NaN change); the message names the tensor.</exception>
    /// <remarks>CPU tensors only for now; the CUDA twin (dslsft_cuda_topk_abs_diff) is reachable through the C ABI.</remarks>
    public static Tensor[] Select(IReadOnlyList<TensorPair> tensors, long k, IReadOnlyList<Tensor?>? excluded = null) =>
        NativeSelection.Run(tensors, k, excluded, readsValues: true, SparseNativeMethods.dslsft_topk_abs_diff);

    /// <summary>
    /// Peak scratch memory (bytes) and number of passes over θ/θ0 of the last <see cref="Select"/> on this thread
    /// (0 and 0 after K = 0). For benchmarks and diagnostics.
    /// </summary>
    public static (long ScratchBytes, int Passes) LastCallStatistics()
    {
        long bytes;
        int passes;
        SparseNativeMethods.dslsft_topk_last_stats(&bytes, &passes);
        return (bytes, passes);
    }
}
