namespace DslSft.Dsl.Kernels;

/// <summary>A uniform rule parameter (learning rate, betas, bias corrections): one value for every element.
/// Allowed types: float, double, int, long, bool.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class ScalarAttribute : Attribute;
