using DslSft.Dsl.Kernels;

namespace DslSft.Kernels;

/// <summary>
/// Multiplies tensor elements by a scalar as a kernel DSL rule: <c>Scale.Dense/Sparse/MultiTensor</c>.
/// The engine uses the sparse multi-tensor form for gradient clipping in the sparse phase, so that
/// clipping scales only the K selected gradient entries and never makes a dense pass over the gradients.
/// </summary>
public static partial class Scale
{
    /// <summary>x = factor * x for one element.</summary>
    [ElementwiseKernel("scale")]
    private static void Apply([Indexed] ref float x, [Scalar] float factor)
    {
        // one multiply per element; indexed so the sparse form touches only the selected entries
        x *= factor;
    }
}
