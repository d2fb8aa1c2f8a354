using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>Extracts a sparse fine-tuning's differences: <c>SftDiff.Sparse/MultiTensor</c>.</summary>
public static partial class SftDiff
{
    /// <summary>One difference of a fine-tuned parameter from its pretrained value: delta = param[idx] - pretrained[idx].</summary>
    [ElementwiseKernel("sft_diff")]
    private static void Extract([Indexed] float param, [Indexed] float pretrained, [Compact] ref float delta)
    {
        delta = param - pretrained;
    }
}
