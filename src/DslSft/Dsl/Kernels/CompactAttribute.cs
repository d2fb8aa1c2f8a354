namespace DslSft.Dsl.Kernels;

/// <summary>
/// A rule parameter that is the k-th element of a K-length compact array (optimizer state, a diff's
/// values, gathered gradients). In the multi-tensor form all tensors' compact arrays are one
/// concatenated buffer. In the dense form it is simply <c>array[i]</c>. Use <c>ref float</c> to write it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class CompactAttribute : Attribute;
