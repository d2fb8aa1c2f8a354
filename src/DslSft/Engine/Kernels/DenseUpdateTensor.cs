using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// One densely updated tensor as an optimizer rule sees it: the parameter, its gradient and the rule's per-entry state
/// (<see cref="Optimizers.IOptimizerRule.StateCount"/> tensors, e.g. AdamW's two moments), all the same shape, float32
/// and contiguous. <see cref="Original"/> is θ0, needed only when the step's L1 coefficient is non-zero.
/// </summary>
public sealed record DenseUpdateTensor(Tensor Param, Tensor Grad, IReadOnlyList<Tensor> State, Tensor? Original);
