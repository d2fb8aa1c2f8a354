using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// Tensors updated only at selected entries, as an optimizer rule sees them. Tensor <c>i</c> owns the entries
/// <see cref="Indices"/>[i] (sorted, unique, row-major flat int64 indices into <see cref="Params"/>[i]); its compact
/// gradient, θ0 and each of the rule's state buffers (<see cref="State"/>) are the slice <c>[Offsets[i], Offsets[i+1])</c>
/// of K-length buffers. Nothing here is dense except the parameters, which are read and written only at the indices.
/// </summary>
public sealed record SparseUpdateGroup(
    IReadOnlyList<Tensor> Params,
    Tensor Grad,
    IReadOnlyList<Tensor> Indices,
    long[] Offsets,
    IReadOnlyList<Tensor> State,
    Tensor Original)
{
    /// <summary>Total number of selected entries (K of this group).</summary>
    public long Count => Offsets[^1];
}
