using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>
/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") as a kernel DSL rule:
/// <c>Lion.Dense/Sparse/MultiTensor</c> (plus native/generated/kernel_lion.*).
/// </summary>
public static partial class Lion
{
    /// <summary>
    /// One Lion step for one parameter element, as lion-pytorch writes it: the update is the sign of an interpolation
    /// between the momentum and the gradient, weight decay is decoupled, and the momentum is updated after the step with
    /// its own β2. The gradient is compact (K-length in the sparse forms) and carries LT-SFT's optional L1 pull toward
    /// the pretrained value theta0 (l1 already normalised by the caller; 0 disables it), as in <see cref="AdamW"/>.
    /// </summary>
    [ElementwiseKernel("lion")]
    private static void Step(
        [Indexed] ref float param, [Compact] float grad, [Compact] ref float m, [Compact] float theta0,
        [Scalar] float lr, [Scalar] float beta1, [Scalar] float beta2, [Scalar] float weightDecay, [Scalar] float l1)
    {
        // the L1 pull toward the pretrained value is part of the loss, so it goes through the momentum
        float g = grad + l1 * MathF.Sign(param - theta0);
        // the update direction: the sign of beta1 * m + (1 - beta1) * g, so every coordinate moves by lr
        float update = MathF.Sign(beta1 * m + (1f - beta1) * g);
        // decoupled weight decay and the signed step: param -= lr * (update + weightDecay * param)
        param -= lr * (update + weightDecay * param);
        // update the momentum with beta2, after the step
        m = beta2 * m + (1f - beta2) * g;
    }
}
