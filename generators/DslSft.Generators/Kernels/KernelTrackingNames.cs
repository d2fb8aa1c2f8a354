namespace DslSft.Generators.Kernels
{
    /// <summary>Names of the kernel pipeline's incremental steps, so tests can assert which stayed cached.</summary>
    public static class KernelTrackingNames
    {
        /// <summary>Attribute lookup + extraction of one rule into a <see cref="KernelRule"/>.</summary>
        public const string ExtractRule = "Kernels.ExtractRule";
        /// <summary>The ABI signatures of all valid rules (bodies dropped), feeding the shared C header.</summary>
        public const string Signatures = "Kernels.Signatures";
        /// <summary>All signatures collected into one list.</summary>
        public const string AllSignatures = "Kernels.AllSignatures";
    }
}
