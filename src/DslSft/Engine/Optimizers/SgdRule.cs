using System.Globalization;
using DslSft.Engine.Kernels;
using DslSft.Kernels;
using static TorchSharp.torch;

namespace DslSft.Engine.Optimizers;

/// <summary>torch.optim.SGD (dampening 0, no Nesterov, coupled weight decay) through the kernel DSL rule <see cref="Sgd"/>. State: the momentum buffer.</summary>
public sealed class SgdRule(float momentum = 0f) : KernelOptimizerRule
{
    public float Momentum { get; } = momentum;
    public override string Name => "sgd";
    public override int StateCount => 1;

    public override IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["optimizer"] = Name,
        ["sgd_momentum"] = ((double)Momentum).ToString("R", CultureInfo.InvariantCulture),
    };

    protected override void Dense(Tensor param, Tensor grad, IReadOnlyList<Tensor> state, Tensor theta0, OptimizerStep s) =>
        Sgd.Dense(param, grad, state[0], theta0, s.LearningRate, Momentum, s.WeightDecay, firstStep: s.Step == 1, s.L1);

    protected override void MultiTensor(SparseTensorSet set, SparseUpdateGroup g, OptimizerStep s) =>
        Sgd.MultiTensor(set, g.Params, g.Grad, g.State[0], g.Original, s.LearningRate, Momentum, s.WeightDecay, firstStep: s.Step == 1, s.L1);
}
