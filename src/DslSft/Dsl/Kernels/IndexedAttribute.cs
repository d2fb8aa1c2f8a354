namespace DslSft.Dsl.Kernels;

/// <summary>
/// A rule parameter that is an element of a large (N-element) tensor. In the sparse forms the element is
/// <c>tensor[indices[k]]</c>; in the dense form it is <c>tensor[i]</c>. Use <c>ref float</c> to write it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class IndexedAttribute : Attribute;
