using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>
/// AdamW as a kernel DSL rule. The generator adds <c>AdamW.Dense</c>, <c>AdamW.Sparse</c> and
/// <c>AdamW.MultiTensor</c> (plus the C++/CUDA kernels in native/generated/kernel_adamw.*).
/// For training, prefer <see cref="SparseAdamW"/>, which owns the state and derives the scalars.
/// </summary>
public static partial class AdamW
{
    /// <summary>
    /// One AdamW step (Loshchilov and Hutter, decoupled weight decay) for one parameter element, in
    /// PyTorch's order and formula, plus an optional L1 pull toward the pretrained value theta0 (the
    /// subgradient l1 * sign(param - theta0) joins the gradient; l1 already normalised by the caller, 0
    /// disables it). biasCorrection1 = 1 - beta1^t and biasCorrection2 = 1 - beta2^t for step t (from 1).
    /// The gradient is compact: in the sparse forms it is the K-length gradient at the selected entries, which the
    /// sparse phase computes directly (sampled weight gradients) without a dense gradient tensor.
    /// </summary>
    [ElementwiseKernel("adamw")]
    private static void Step(
        [Indexed] ref float param, [Compact] float grad,
        [Compact] ref float m, [Compact] ref float v, [Compact] float theta0,
        [Scalar] float lr, [Scalar] float beta1, [Scalar] float beta2, [Scalar] float eps, [Scalar] float weightDecay,
        [Scalar] float biasCorrection1, [Scalar] float biasCorrection2, [Scalar] float l1)
    {
        // the L1 pull toward the pretrained value is part of the loss, so it goes through the moments
        float g = grad + l1 * MathF.Sign(param - theta0);
        // update the first moment (momentum)
        m = beta1 * m + (1f - beta1) * g;
        // update the second moment (RMSprop)
        v = beta2 * v + (1f - beta2) * g * g;
        // decoupled weight decay: shrink the parameter before the Adam step, as torch.optim.AdamW does
        param *= 1f - lr * weightDecay;
        // the bias-corrected step lr * m_hat / (sqrt(v_hat) + eps), factored like PyTorch
        float denominator = MathF.Sqrt(v) / MathF.Sqrt(biasCorrection2) + eps;
        param -= lr / biasCorrection1 * m / denominator;
    }
}
