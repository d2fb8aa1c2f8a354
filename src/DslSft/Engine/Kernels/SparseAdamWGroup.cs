using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// Tensors updated only at selected entries. Tensor <c>i</c> owns the entries <see cref="Indices"/>[i] (sorted,
/// unique, row-major flat int64 indices into <see cref="Params"/>[i]); its gradient and optimizer state are the
/// slice <c>[Offsets[i], Offsets[i+1])</c> of the four compact K-length buffers. Nothing here is dense except the
/// parameters, which are read and written only at the indices.
/// </summary>
public sealed record SparseAdamWGroup(
    IReadOnlyList<Tensor> Params,
    Tensor Grad,
    IReadOnlyList<Tensor> Indices,
    long[] Offsets,
    Tensor ExpAvg,
    Tensor ExpAvgSq,
    Tensor Original)
{
    /// <summary>Total number of selected entries (K of this group).</summary>
    public long Count => Offsets[^1];
}
