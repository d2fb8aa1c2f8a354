using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>SGD with optional momentum and (coupled) weight decay as a kernel DSL rule: <c>Sgd.Dense/Sparse/MultiTensor</c>.</summary>
public static partial class Sgd
{
    /// <summary>
    /// One torch.optim.SGD step (dampening 0, no Nesterov) for one parameter element: the gradient plus
    /// weightDecay * param; with momentum != 0 the momentum buffer is set to that gradient on the first
    /// step and to momentum * buffer + gradient afterwards, and the buffer is the step direction. With
    /// momentum 0 the buffer is neither read nor written.
    /// </summary>
    [ElementwiseKernel("sgd")]
    private static void Step(
        [Indexed] ref float param, [Indexed] float grad, [Compact] ref float momentumBuffer,
        [Scalar] float lr, [Scalar] float momentum, [Scalar] float weightDecay, [Scalar] bool firstStep)
    {
        // coupled weight decay (L2), as in torch.optim.SGD
        float direction = grad + weightDecay * param;
        if (momentum != 0f)
        {
            momentumBuffer = firstStep ? direction : momentum * momentumBuffer + direction;
            direction = momentumBuffer;
        }
        param -= lr * direction;
    }
}
