using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Models.SampledGradients;

/// <summary>
/// Weight gradients at selected entries only: while a weight is bound to a <see cref="SampledGradientTarget"/>,
/// <see cref="Linear"/> and <see cref="Embedding"/> run it through a custom autograd function whose backward
/// returns the input gradient densely as usual but writes the weight gradient only at the target's entries
/// (a sampled product for a Linear, the used rows for an embedding) and leaves the weight's <c>.grad</c> unset.
/// Unbound weights (and everything under no_grad) take the ordinary TorchSharp path, so models call these
/// helpers unconditionally and the dense phases are unchanged.
/// </summary>
/// <remarks>
/// Bindings belong to the thread that made them (forward runs there; backward reads the target captured in
/// forward). A weight is identified by the address of its first element, so a tied weight used by two modules
/// (word embeddings and the MLM decoder) has one target and both uses add into it.
/// </remarks>
public static class SampledWeightGradients
{
    [ThreadStatic] private static Dictionary<nint, SampledGradientTarget>? _targets;

    /// <summary>Binds each weight to its target until the returned scope is disposed (bindings do not nest).</summary>
    public static IDisposable Bind(IEnumerable<(Tensor Weight, SampledGradientTarget Target)> targets)
    {
        if (_targets is { Count: > 0 }) throw new InvalidOperationException("sampled weight gradients are already bound on this thread");
        var bound = new Dictionary<nint, SampledGradientTarget>();
        foreach (var (weight, target) in targets)
        {
            if (target.Indices.numel() != target.Gradient.numel())
                throw new ArgumentException($"a sampled-gradient target needs one gradient slot per index ({target.Indices.numel()}), got {target.Gradient.numel()}");
            bound.Add(Address(weight), target);
        }
        _targets = bound;
        return new Binding();
    }

    /// <summary><paramref name="layer"/>.forward(<paramref name="input"/>), with the sampled weight gradient when its weight is bound.</summary>
    public static Tensor Linear(Linear layer, Tensor input)
    {
        var weight = layer.weight!;
        if (TargetOf(weight) is not { } target) return layer.forward(input);
        return SampledLinearFunction.apply(input, weight, layer.bias, target, layer.bias is { requires_grad: true });
    }

    /// <summary><paramref name="layer"/>.forward(<paramref name="ids"/>), with the sampled weight gradient when its weight is bound.</summary>
    public static Tensor Embedding(Embedding layer, Tensor ids)
    {
        var weight = layer.weight!;
        if (TargetOf(weight) is not { } target) return layer.forward(ids);
        return SampledEmbeddingFunction.apply(ids, weight, target);
    }

    /// <summary>Whether <paramref name="weight"/> is bound on this thread (for tests and diagnostics).</summary>
    internal static bool IsBound(Tensor weight) => _targets is { Count: > 0 } targets && targets.ContainsKey(Address(weight));

    private static SampledGradientTarget? TargetOf(Tensor weight) =>
        _targets is { Count: > 0 } targets && torch.is_grad_enabled() && weight.requires_grad && targets.TryGetValue(Address(weight), out var target)
            ? target : null;

    private static unsafe nint Address(Tensor weight) =>
        (nint)weight.storage<float>().data_ptr() + (nint)(weight.storage_offset() * sizeof(float));

    private sealed class Binding : IDisposable
    {
        public void Dispose() => _targets = null;
    }
}
