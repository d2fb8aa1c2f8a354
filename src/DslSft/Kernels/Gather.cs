using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>
/// Gathers selected elements into a compact array (gradients at the sparse indices, or θ0 at the start of
/// sparse training): <c>Gather.Sparse/MultiTensor</c>.
/// </summary>
public static partial class Gather
{
    /// <summary>Copies one selected element: gathered[k] = source[idx[k]].</summary>
    [ElementwiseKernel("gather")]
    private static void Copy([Indexed] float source, [Compact] ref float gathered)
    {
        gathered = source;
    }
}
