using static TorchSharp.torch;

namespace DslSft.Kernels;

/// <summary>
/// AdamW over the selected elements of many parameter tensors: the LT-SFT sparse training step. It owns
/// the compact state (first and second moments, and θ0, the pretrained values at the selection gathered
/// when it is created) and derives the bias corrections from its step count; each <see cref="Step"/> is
/// one native multi-tensor call (<see cref="AdamW.MultiTensor"/>) over every tensor of the set.
/// Only the selected elements change: no dense gradient masking, no dense optimizer state.
/// </summary>
public sealed class SparseAdamW : IDisposable
{
    private readonly Tensor firstMoment;
    private readonly Tensor secondMoment;
    private readonly Tensor theta0;

    /// <param name="set">The selection (indices validated once, at the set's creation).</param>
    /// <param name="parameters">The parameter tensors in set order, still at their pretrained values (θ0 is read from them now).</param>
    public SparseAdamW(SparseTensorSet set, IReadOnlyList<Tensor> parameters, AdamWOptions options)
    {
        Set = set ?? throw new ArgumentNullException(nameof(set));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        firstMoment = zeros(set.TotalCount);
        secondMoment = zeros(set.TotalCount);
        theta0 = zeros(set.TotalCount);
        Gather.MultiTensor(set, parameters, theta0);
    }

    public SparseTensorSet Set { get; }

    /// <summary>Hyper-parameters used by the next step (replace it to follow a learning-rate schedule).</summary>
    public AdamWOptions Options { get; set; }

    /// <summary>Steps taken so far (the bias corrections use StepCount after increment, from 1).</summary>
    public long StepCount { get; private set; }

    /// <summary>First moments, concatenated over the set's tensors (K floats, slice t at Set.Offsets[t]).</summary>
    public Tensor FirstMoment => firstMoment;

    /// <summary>Second moments, same layout as <see cref="FirstMoment"/>.</summary>
    public Tensor SecondMoment => secondMoment;

    /// <summary>The pretrained values at the selection, same layout (the SFT diff is θ − θ0 at these positions).</summary>
    public Tensor Theta0 => theta0;

    /// <summary>
    /// One AdamW step on the selected elements of <paramref name="parameters"/> using the full gradients
    /// <paramref name="gradients"/> (read only at the selection, gathered into a K-length buffer). Both lists are in set order.
    /// </summary>
    public void Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, KernelBackend backend = KernelBackend.Auto)
    {
        using var compact = zeros(Set.TotalCount);
        Gather.MultiTensor(Set, gradients, compact, backend);
        Step(parameters, compact, backend);
    }

    /// <summary>One AdamW step with the gradient already at the selection: K floats in the set's compact layout.</summary>
    public void Step(IReadOnlyList<Tensor> parameters, Tensor compactGradient, KernelBackend backend = KernelBackend.Auto)
    {
        var o = Options;
        long t = StepCount + 1;
        float biasCorrection1 = (float)(1 - Math.Pow(o.Beta1, t));
        float biasCorrection2 = (float)(1 - Math.Pow(o.Beta2, t));
        AdamW.MultiTensor(Set, parameters, compactGradient, firstMoment, secondMoment, theta0,
            o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay, biasCorrection1, biasCorrection2, o.L1, backend);
        StepCount = t;
    }

    public void Dispose()
    {
        firstMoment.Dispose();
        secondMoment.Dispose();
        theta0.Dispose();
    }
}
