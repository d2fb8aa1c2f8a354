using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine;

/// <summary>
/// The selected entries of every maskable tensor: sorted, unique row-major flat int64 indices per parameter
/// name. Selections of successive iterations accumulate through <see cref="Add"/>.
/// </summary>
public sealed class EntrySelection : IDisposable
{
    private readonly Dictionary<string, Tensor> _indices = new();

    public IReadOnlyDictionary<string, Tensor> Indices => _indices;

    public long Count => _indices.Values.Sum(t => t.numel());

    public Tensor? this[string name] => _indices.GetValueOrDefault(name);

    /// <summary>Adds new (not yet selected) entries to tensor <paramref name="name"/>, keeping the indices sorted.</summary>
    public void Add(string name, Tensor newIndices)
    {
        if (newIndices.dtype != ScalarType.Int64 || newIndices.dim() != 1)
            throw new ArgumentException($"selection for '{name}' must be a 1-D int64 tensor");
        if (_indices.TryGetValue(name, out var old))
        {
            var (merged, _) = torch.sort(torch.cat(new[] { old, newIndices }, 0));
            old.Dispose();
            _indices[name] = merged.DetachFromDisposeScope();
        }
        else
        {
            _indices[name] = newIndices.clone().DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        foreach (var t in _indices.Values) t.Dispose();
        _indices.Clear();
    }
}
