using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>Adds a sparse fine-tuning's differences to the parameters: <c>SftApply.Sparse/MultiTensor</c>.</summary>
public static partial class SftApply
{
    /// <summary>Applies one SFT difference: param[idx] += delta.</summary>
    [ElementwiseKernel("sft_apply")]
    private static void Apply([Indexed] ref float param, [Compact] float delta)
    {
        param += delta;
    }
}
