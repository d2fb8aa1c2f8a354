using System.Globalization;
using DslSft.Engine.Kernels;

namespace DslSft.Engine.Optimizers;

/// <summary>
/// torch.optim.AdamW (the default, and composable-sft's): run through <see cref="ISparseKernels"/>, whose native
/// backend calls the kernel DSL rule <see cref="DslSft.Kernels.AdamW"/>. State: the first and second moments.
/// </summary>
public sealed record AdamWRule(float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f) : IOptimizerRule
{
    public string Name => "adamw";
    public int StateCount => 2;

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["optimizer"] = Name,
        ["adam_beta1"] = ((double)Beta1).ToString("R", CultureInfo.InvariantCulture),
        ["adam_beta2"] = ((double)Beta2).ToString("R", CultureInfo.InvariantCulture),
        ["adam_epsilon"] = ((double)Epsilon).ToString("R", CultureInfo.InvariantCulture),
    };

    public void DenseStep(ISparseKernels kernels, IReadOnlyList<DenseUpdateTensor> tensors, OptimizerStep step) =>
        kernels.DenseAdamWStep(tensors.Select(t => new DenseAdamWTensor(t.Param, t.Grad, t.State[0], t.State[1], t.Original)).ToList(), Scalars(step));

    public void SparseStep(ISparseKernels kernels, SparseUpdateGroup group, OptimizerStep step) =>
        kernels.SparseAdamWStep(new SparseAdamWGroup(group.Params, group.Grad, group.Indices, group.Offsets, group.State[0], group.State[1], group.Original), Scalars(step));

    private AdamWScalars Scalars(OptimizerStep s) =>
        AdamWScalars.ForStep(s.Step, s.LearningRate, Beta1, Beta2, Epsilon, s.WeightDecay, s.GradScale, s.L1);
}
