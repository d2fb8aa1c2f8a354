using DslSft.Engine.Kernels;
using DslSft.Kernels;
using static TorchSharp.torch;

namespace DslSft.Engine.Optimizers;

/// <summary>
/// The common part of rules that call their generated kernel entry points directly (<c>Rule.Dense</c> per tensor,
/// <c>Rule.MultiTensor</c> per sparse group; native when libdslsft_native is loaded, else the generated C# loop):
/// clipping scales the gradient in place (K entries in the sparse phase, never a dense pass) and the L1 coefficient by
/// the same factor, and θ0 stands in for itself when L1 is off. A user's own rule derives from this and implements the
/// two calls.
/// </summary>
public abstract class KernelOptimizerRule : IOptimizerRule
{
    public abstract string Name { get; }
    public abstract int StateCount { get; }
    public abstract IReadOnlyDictionary<string, string> Describe();

    /// <summary>Calls the rule's dense entry point on one tensor; <paramref name="step"/>'s gradient scale is already applied.</summary>
    protected abstract void Dense(Tensor param, Tensor grad, IReadOnlyList<Tensor> state, Tensor theta0, OptimizerStep step);

    /// <summary>Calls the rule's multi-tensor entry point on the group; <paramref name="step"/>'s gradient scale is already applied.</summary>
    protected abstract void MultiTensor(SparseTensorSet set, SparseUpdateGroup group, OptimizerStep step);

    public void DenseStep(ISparseKernels kernels, IReadOnlyList<DenseUpdateTensor> tensors, OptimizerStep step)
    {
        foreach (var t in tensors)
        {
            if (step.GradScale != 1f) Scale.Dense(t.Grad, step.GradScale);
            // With no L1 the θ0 argument is only read as sign(θ − θ0)·0.
            var theta0 = step.L1 != 0f ? t.Original ?? throw new InvalidOperationException("L1 toward θ0 needs the original values") : t.Param;
            Dense(t.Param, t.Grad, t.State, theta0, Scaled(step));
        }
    }

    public void SparseStep(ISparseKernels kernels, SparseUpdateGroup group, OptimizerStep step)
    {
        if (group.Count == 0) return;
        if (step.GradScale != 1f) group.Grad.mul_(step.GradScale);
        MultiTensor(SparseTensorSetCache.For(group.Indices, group.Params), group, Scaled(step));
    }

    private static OptimizerStep Scaled(OptimizerStep s) => s with { L1 = s.L1 * s.GradScale, GradScale = 1f };
}
