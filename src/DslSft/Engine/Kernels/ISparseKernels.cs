using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// The fused operations LT-SFT needs, kept small so a native (generated) backend can stand in for the
/// TorchSharp reference (<see cref="TorchSparseKernels"/>). All tensors are float32 and contiguous unless said
/// otherwise; indices are int64 row-major flat indices, sorted and unique. Implementations update in place and
/// must not keep references to their arguments.
/// </summary>
public interface ISparseKernels
{
    /// <summary>
    /// Chooses exactly <paramref name="k"/> entries with the largest |θ − θ0| across all candidates together,
    /// skipping each candidate's excluded entries. Returns one sorted int64 index tensor per candidate (the new
    /// entries only). Throws when fewer than k entries are available.
    /// </summary>
    IReadOnlyList<Tensor> SelectLargestChanges(IReadOnlyList<SelectionCandidate> candidates, long k);

    /// <summary>
    /// Chooses exactly <paramref name="k"/> entries uniformly at random (without replacement) across tensors of
    /// the given element counts, skipping excluded entries; the same seed gives the same choice.
    /// </summary>
    IReadOnlyList<Tensor> SelectRandom(IReadOnlyList<long> sizes, IReadOnlyList<Tensor?> excluded, long k, long seed);

    /// <summary>Σ (grad + l1·sign(θ − θ0))² over every entry of the tensors (for gradient clipping).</summary>
    double DenseSquaredGradNorm(IReadOnlyList<DenseUpdateTensor> tensors, float l1);

    /// <summary>Σ (grad + l1·sign(θ − θ0))² over the selected entries of the group (for gradient clipping).</summary>
    double SparseSquaredGradNorm(SparseUpdateGroup group, float l1);

    /// <summary>One AdamW step on every entry of the tensors (see <see cref="AdamWScalars"/> for the rule).</summary>
    void DenseAdamWStep(IReadOnlyList<DenseAdamWTensor> tensors, AdamWScalars scalars);

    /// <summary>
    /// One AdamW step on the selected entries only: gathers θ at the indices, takes the compact gradient
    /// (which it may scale in place), updates the compact moments, applies decoupled weight decay and the L1 pull to those entries, and scatters θ back.
    /// Unselected entries are never read or written.
    /// </summary>
    void SparseAdamWStep(SparseAdamWGroup group, AdamWScalars scalars);
}
