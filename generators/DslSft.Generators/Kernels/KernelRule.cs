using DslSft.Generators.Common;
namespace DslSft.Generators.Kernels
{
    /// <summary>The value types a kernel rule may use.</summary>
    public enum KernelType { Float, Double, Int, Long, Bool }

    /// <summary>How a rule parameter is reached for element k (see the DSL attributes).</summary>
    public enum ElementRole
    {
        /// <summary>Element of an N-element tensor: tensor[indices[k]] (sparse) or tensor[i] (dense).</summary>
        Indexed,
        /// <summary>k-th element of a K-length compact array (concatenated over tensors in the multi-tensor form).</summary>
        Compact,
        /// <summary>One uniform value.</summary>
        Scalar,
    }

    /// <summary>One parameter of a rule. <see cref="Writable"/> means <c>ref</c>: the kernel writes the element back.</summary>
    public sealed record KernelParameter(string Name, ElementRole Role, KernelType Type, bool Writable)
    {
        public bool IsTensor => Role != ElementRole.Scalar;
    }

    /// <summary>
    /// Everything the emitters need about one rule, as plain value-equal data (no Roslyn symbols), so an
    /// unrelated edit leaves the pipeline cached.
    /// </summary>
    /// <param name="Namespace">Namespace of the partial class ("" for the global namespace).</param>
    /// <param name="ClassName">The partial class that receives the entry points.</param>
    /// <param name="IsStaticClass">Whether the class is declared static (the generated part repeats it).</param>
    /// <param name="MethodName">The rule method, e.g. Step.</param>
    /// <param name="KernelName">lower_snake_case name used in the C ABI and file names.</param>
    /// <param name="Summary">The rule's XML doc summary as plain text (may be empty).</param>
    /// <param name="SourceFileName">File name of the rule's source, cited in generated headers.</param>
    public sealed record KernelRule(
        string Namespace,
        string ClassName,
        bool IsStaticClass,
        string MethodName,
        string KernelName,
        string Summary,
        string SourceFileName,
        EquatableArray<KernelParameter> Parameters,
        EquatableArray<Statement> Body)
    {
        public KernelSignature Signature => new KernelSignature(KernelName, Summary, Parameters);
    }

    /// <summary>What the shared C header needs from a rule: its name, summary and parameters (not its body).</summary>
    public sealed record KernelSignature(string KernelName, string Summary, EquatableArray<KernelParameter> Parameters);

    /// <summary>The extraction result: a rule to emit, or the diagnostics that stop it.</summary>
    internal sealed record KernelExtraction(KernelRule? Rule, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? AttributeLocation);
}
