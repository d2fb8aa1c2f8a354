namespace DslSft.Dsl.Kernels;

/// <summary>
/// Marks a static method as an element-wise update rule of the kernel DSL. The method describes what
/// happens to ONE element; the generator (generators/DslSft.Generators/Kernels) turns it into an OpenMP
/// C++ kernel, a CUDA kernel, a C# reference loop and typed TorchSharp entry points
/// (<c>Dense</c>, <c>Sparse</c>, <c>MultiTensor</c>) added to the method's <c>partial</c> class.
/// </summary>
/// <remarks>
/// Parameters: <c>[Indexed] float x</c> / <c>[Indexed] ref float x</c> (element of a large parameter
/// tensor, reached through the sparse index list), <c>[Compact] float s</c> / <c>[Compact] ref float s</c>
/// (k-th element of a K-length array such as optimizer state), <c>[Scalar] float lr</c> (uniform value).
/// Without <c>ref</c> an element is read-only. The body may use float/double/int/long/bool locals and
/// literals, arithmetic, comparisons, logical operators, ?:, if/else and Math/MathF functions; anything
/// else is a compile-time diagnostic DSKnnn at its source location.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ElementwiseKernelAttribute(string name) : Attribute
{
    /// <summary>
    /// The kernel's name in the C ABI and in file names: lower_snake_case, e.g. <c>"adamw"</c> gives
    /// <c>dslsft_adamw_dense</c>, <c>dslsft_adamw_sparse</c>, <c>dslsft_adamw_multi</c> and
    /// <c>native/generated/kernel_adamw.cpp</c>/<c>.cu</c>.
    /// </summary>
    public string Name { get; } = name;
}
