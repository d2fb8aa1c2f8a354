using System.Globalization;
using DslSft.Engine.Kernels;
using DslSft.Kernels;
using static TorchSharp.torch;

namespace DslSft.Engine.Optimizers;

/// <summary>Lion (Chen et al. 2023; defaults β1 0.9, β2 0.99) through the kernel DSL rule <see cref="Lion"/>. State: the momentum.</summary>
public sealed class LionRule(float beta1 = 0.9f, float beta2 = 0.99f) : KernelOptimizerRule
{
    public float Beta1 { get; } = beta1;
    public float Beta2 { get; } = beta2;
    public override string Name => "lion";
    public override int StateCount => 1;

    public override IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["optimizer"] = Name,
        ["lion_beta1"] = ((double)Beta1).ToString("R", CultureInfo.InvariantCulture),
        ["lion_beta2"] = ((double)Beta2).ToString("R", CultureInfo.InvariantCulture),
    };

    protected override void Dense(Tensor param, Tensor grad, IReadOnlyList<Tensor> state, Tensor theta0, OptimizerStep s) =>
        Lion.Dense(param, grad, state[0], theta0, s.LearningRate, Beta1, Beta2, s.WeightDecay, s.L1);

    protected override void MultiTensor(SparseTensorSet set, SparseUpdateGroup g, OptimizerStep s) =>
        Lion.MultiTensor(set, g.Params, g.Grad, g.State[0], g.Original, s.LearningRate, Beta1, Beta2, s.WeightDecay, s.L1);
}
