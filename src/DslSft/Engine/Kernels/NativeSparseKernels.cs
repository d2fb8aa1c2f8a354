using DslSft.Kernels;
using DslSft.Native;
using DslSft.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// <see cref="ISparseKernels"/> on the native backend: the generated AdamW and Scale kernels (kernel DSL,
/// one multi-tensor call per sparse step) and the hand-written native top-K. Gradient norms and random
/// selection stay on the TorchSharp reference: norms are one gather of K entries, and random selection is
/// not on the hot path, so the reference's seeded choice stays the single definition of the baseline.
/// </summary>
public sealed class NativeSparseKernels : ISparseKernels
{
    public static readonly NativeSparseKernels Instance = new();

    /// <summary>The backend the trainer uses by default: native when libdslsft_native loads, else the TorchSharp reference.</summary>
    public static ISparseKernels Default => NativeLibraryInfo.IsAvailable ? Instance : TorchSparseKernels.Instance;

    private static ISparseKernels Reference => TorchSparseKernels.Instance;

    public IReadOnlyList<Tensor> SelectLargestChanges(IReadOnlyList<SelectionCandidate> candidates, long k)
    {
        var pairs = new TensorPair[candidates.Count];
        var excluded = new Tensor?[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            pairs[i] = new TensorPair($"maskable tensor {i}", candidates[i].Current.contiguous(), candidates[i].Original.contiguous());
            excluded[i] = candidates[i].Excluded;
        }
        return TopKSelector.Select(pairs, k, excluded);
    }

    public IReadOnlyList<Tensor> SelectRandom(IReadOnlyList<long> sizes, IReadOnlyList<Tensor?> excluded, long k, long seed) =>
        Reference.SelectRandom(sizes, excluded, k, seed);

    public double DenseSquaredGradNorm(IReadOnlyList<DenseUpdateTensor> tensors, float l1) => Reference.DenseSquaredGradNorm(tensors, l1);

    public double SparseSquaredGradNorm(SparseUpdateGroup group, float l1) => Reference.SparseSquaredGradNorm(group, l1);

    public void DenseAdamWStep(IReadOnlyList<DenseAdamWTensor> tensors, AdamWScalars s)
    {
        foreach (var t in tensors)
        {
            // Clipping scales the whole effective gradient s·(grad + l1·sign): scale grad, and l1 by the same factor.
            if (s.GradScale != 1f) Scale.Dense(t.Grad, s.GradScale);
            // With no L1 the kernel's θ0 argument is never used for anything but sign(θ − θ0)·0.
            var theta0 = s.L1 != 0f ? t.Original ?? throw new InvalidOperationException("L1 toward θ0 needs the original values") : t.Param;
            AdamW.Dense(t.Param, t.Grad, t.ExpAvg, t.ExpAvgSq, theta0, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon,
                s.WeightDecay, s.BiasCorrection1, s.BiasCorrection2, s.L1 * s.GradScale);
        }
    }

    public void SparseAdamWStep(SparseAdamWGroup group, AdamWScalars s)
    {
        if (group.Count == 0) return;
        var set = SparseTensorSetCache.For(group.Indices, group.Params);
        if (s.GradScale != 1f) group.Grad.mul_(s.GradScale); // the compact gradient: K entries, never a dense pass
        AdamW.MultiTensor(set, group.Params, group.Grad, group.ExpAvg, group.ExpAvgSq, group.Original,
            s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay, s.BiasCorrection1, s.BiasCorrection2, s.L1 * s.GradScale);
    }
}
