using System.Runtime.CompilerServices;
using DslSft.Kernels;
using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// The validated <see cref="SparseTensorSet"/> of an index list, made once per list. The engine rebuilds its kernel
/// views every step but keeps the same index-list object for a whole phase, so indices are checked once, not every step.
/// </summary>
internal static class SparseTensorSetCache
{
    private static readonly ConditionalWeakTable<IReadOnlyList<Tensor>, SparseTensorSet> Sets = new();

    public static SparseTensorSet For(IReadOnlyList<Tensor> indices, IReadOnlyList<Tensor> parameters) =>
        Sets.GetValue(indices, list => SparseTensorSet.Create(list, parameters.Select(p => p.numel()).ToArray()));
}
