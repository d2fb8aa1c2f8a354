using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>Removes a sparse fine-tuning's differences from the parameters: <c>SftRevert.Sparse/MultiTensor</c>.</summary>
public static partial class SftRevert
{
    /// <summary>Reverts one SFT difference: param[idx] -= delta (exact only if nothing else moved the element).</summary>
    [ElementwiseKernel("sft_revert")]
    private static void Revert([Indexed] ref float param, [Compact] float delta)
    {
        param -= delta;
    }
}
