using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>SGD with optional momentum and (coupled) weight decay as a kernel DSL rule: <c>Sgd.Dense/Sparse/MultiTensor</c>.</summary>
public static partial class Sgd
{
    /// <summary>
    /// One torch.optim.SGD step (dampening 0, no Nesterov) for one parameter element: the gradient plus
    /// weightDecay * param; with momentum != 0 the momentum buffer is set to that gradient on the first
    /// step and to momentum * buffer + gradient afterwards, and the buffer is the step direction. With
    /// momentum 0 the buffer is neither read nor written. The gradient is compact (K-length in the sparse forms, as
    /// the LT-SFT sparse phase computes it) and carries the optional L1 pull toward the pretrained value theta0
    /// (l1 already normalised by the caller; 0 disables it), as in <see cref="AdamW"/>.
    /// </summary>
    [ElementwiseKernel("sgd")]
    private static void Step(
        [Indexed] ref float param, [Compact] float grad, [Compact] ref float momentumBuffer, [Compact] float theta0,
        [Scalar] float lr, [Scalar] float momentum, [Scalar] float weightDecay, [Scalar] bool firstStep, [Scalar] float l1)
    {
        // coupled weight decay (L2), as in torch.optim.SGD, plus the L1 pull toward the pretrained value
        float direction = grad + l1 * MathF.Sign(param - theta0) + weightDecay * param;
        if (momentum != 0f)
        {
            momentumBuffer = firstStep ? direction : momentum * momentumBuffer + direction;
            direction = momentumBuffer;
        }
        param -= lr * direction;
    }
}
