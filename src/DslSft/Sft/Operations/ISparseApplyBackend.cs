using static TorchSharp.torch;

namespace DslSft.Sft.Operations;

/// <summary>
/// The sparse primitives that applying and reverting an SFT need, on a flat (1-D, contiguous) view of one
/// parameter. Every apply/revert in DslSft goes through this interface, so native kernels can replace the
/// TorchSharp index-op implementation (<see cref="TorchIndexBackend"/>) in one place.
/// </summary>
public interface ISparseApplyBackend
{
    /// <summary>
    /// <c>target[indices] += values</c> (one float32 addition per entry; <paramref name="indices"/> are unique), and
    /// returns the values that were at <paramref name="indices"/> before, for an exact revert.
    /// All tensors are on the target's device.
    /// </summary>
    Tensor AddAndSaveOriginal(Tensor flatTarget, Tensor indices, Tensor values);

    /// <summary><c>target[indices] = originals</c>: restores what <see cref="AddAndSaveOriginal"/> returned, bit for bit.</summary>
    void Restore(Tensor flatTarget, Tensor indices, Tensor originals);
}

/// <summary>The portable backend: TorchSharp's <c>index_select</c> / <c>index_copy_</c> on the flat view.</summary>
public sealed class TorchIndexBackend : ISparseApplyBackend
{
    public static TorchIndexBackend Instance { get; } = new();

    public Tensor AddAndSaveOriginal(Tensor flatTarget, Tensor indices, Tensor values)
    {
        var originals = flatTarget.index_select(0, indices);
        // Gather, add, scatter: exactly one fp32 add per entry, the same arithmetic as composable-sft's
        // `param += sparse_diff`, and much faster on CPU than index_put_(accumulate: true), which sorts.
        using var updated = originals.add(values);
        flatTarget.index_copy_(0, indices, updated);
        return originals;
    }

    public void Restore(Tensor flatTarget, Tensor indices, Tensor originals) =>
        flatTarget.index_copy_(0, indices, originals);
}
