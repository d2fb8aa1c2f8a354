using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// One densely updated tensor: the parameter, its gradient and its AdamW moments (all the same shape, float32,
/// contiguous). <see cref="Original"/> is θ0, needed only when the call's L1 coefficient is non-zero.
/// </summary>
public sealed record DenseAdamWTensor(Tensor Param, Tensor Grad, Tensor ExpAvg, Tensor ExpAvgSq, Tensor? Original);
