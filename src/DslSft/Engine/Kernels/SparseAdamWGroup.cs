using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// Tensors updated only at selected entries. Tensor <c>i</c> owns the entries <see cref="Indices"/>[i] (sorted,
/// unique, row-major flat int64 indices into <see cref="Params"/>[i]); its optimizer state is the slice
/// <c>[Offsets[i], Offsets[i+1])</c> of the three compact K-length buffers. Nothing here is dense except the
/// parameters and the gradients that autograd produced, which are read and written only at the indices.
/// </summary>
public sealed record SparseAdamWGroup(
    IReadOnlyList<Tensor> Params,
    IReadOnlyList<Tensor> Grads,
    IReadOnlyList<Tensor> Indices,
    long[] Offsets,
    Tensor ExpAvg,
    Tensor ExpAvgSq,
    Tensor Original)
{
    /// <summary>Total number of selected entries (K of this group).</summary>
    public long Count => Offsets[^1];
}
