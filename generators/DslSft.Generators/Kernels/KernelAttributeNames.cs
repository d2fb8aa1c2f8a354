namespace DslSft.Generators.Kernels
{
    /// <summary>Metadata names of the kernel DSL's public attribute types (src/DslSft/Dsl/Kernels).</summary>
    internal static class KernelAttributeNames
    {
        public const string ElementwiseKernel = "DslSft.Dsl.Kernels.ElementwiseKernelAttribute";
        public const string Indexed = "DslSft.Dsl.Kernels.IndexedAttribute";
        public const string Compact = "DslSft.Dsl.Kernels.CompactAttribute";
        public const string Scalar = "DslSft.Dsl.Kernels.ScalarAttribute";
    }
}
