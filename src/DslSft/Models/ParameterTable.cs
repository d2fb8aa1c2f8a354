using TorchSharp.Modules;

namespace DslSft.Models;

/// <summary>One parameter of a built model: its declared spec, its effective role now, its flat offset and its tensor.</summary>
/// <param name="Role">Effective role: <see cref="ParameterRole.Tied"/> while the parameter shares its tie target's tensor,
/// <see cref="ParameterRole.Frozen"/> when its tensor does not require gradients, otherwise the declared role.</param>
/// <param name="Offset">Flat offset of the first element when all non-tied parameters are laid end to end in table order
/// (a tied parameter reports its target's offset).</param>
public sealed record ParameterEntry(string Name, long[] Shape, ParameterRole Role, ParameterRole DeclaredRole, ParameterKind Kind,
    string? TiedTo, long Offset, Parameter Tensor)
{
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The parameter table of a model built by the architecture DSL: every parameter by HF name with shape, role,
/// kind and flat offset, plus the plan the sparse engine uses for the maskable ones. Roles are computed from the
/// live tensors, so untying the MLM decoder or freezing a parameter (requires_grad = false) shows up here.
/// Build a new table after such changes.
/// </summary>
public sealed class ParameterTable : IReadOnlyList<ParameterEntry>
{
    private readonly List<ParameterEntry> entries;
    private readonly Dictionary<string, ParameterEntry> byName;

    private ParameterTable(List<ParameterEntry> entries)
    {
        this.entries = entries;
        byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        TotalSize = entries.Where(e => e.Role != ParameterRole.Tied).Sum(e => e.Size);
    }

    /// <summary>Number of elements over all non-tied parameters.</summary>
    public long TotalSize { get; }

    public int Count => entries.Count;

    public ParameterEntry this[int index] => entries[index];

    /// <summary>The entry for an HF name; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public ParameterEntry this[string name] =>
        byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"the model has no parameter named '{name}'");

    public bool TryGet(string name, out ParameterEntry entry) => byName.TryGetValue(name, out entry!);

    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>HF name → tensor for every parameter, tied aliases included (what a PyTorch state dict holds).</summary>
    public IReadOnlyDictionary<string, TorchSharp.torch.Tensor> Tensors =>
        entries.ToDictionary(e => e.Name, e => (TorchSharp.torch.Tensor)e.Tensor, StringComparer.Ordinal);

    /// <summary>The entries with the given effective role, in table order.</summary>
    public IEnumerable<ParameterEntry> WithRole(ParameterRole role) => entries.Where(e => e.Role == role);

    /// <summary>
    /// The tensors an optimizer should update: every non-tied parameter that requires gradients, each storage once.
    /// Prefer this to TorchSharp's <c>parameters()</c>, which can list a tied tensor twice (the update would be applied twice).
    /// </summary>
    public IEnumerable<Parameter> TrainableParameters() =>
        entries.Where(e => e.Role is not (ParameterRole.Tied or ParameterRole.Frozen)).Select(e => e.Tensor);

    /// <summary>The ordered maskable parameters with offsets and sizes, for one multi-tensor kernel launch.</summary>
    public MaskablePlan MaskablePlan() => Models.MaskablePlan.From(this);

    /// <summary>Builds the table of <paramref name="model"/> from its generated description and its live tensors.</summary>
    public static ParameterTable Build(IHfModule model)
    {
        var specs = model.DescribeParameters();
        var tensors = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.HfParameters()) tensors[name] = tensor;

        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var entries = new List<ParameterEntry>(specs.Count);
        long offset = 0;
        foreach (var spec in specs)
        {
            if (!tensors.TryGetValue(spec.Name, out var tensor))
                throw new InvalidOperationException($"generated description and tensors disagree: no tensor for '{spec.Name}'");
            if (!tensor.shape.SequenceEqual(spec.Shape))
                throw new InvalidOperationException($"'{spec.Name}' has shape [{string.Join(", ", tensor.shape)}], declared [{string.Join(", ", spec.Shape)}]");
            var tied = spec.TiedTo is not null && tensors.TryGetValue(spec.TiedTo, out var target) && SharesStorage(target, tensor);
            var role = tied ? ParameterRole.Tied : !tensor.requires_grad ? ParameterRole.Frozen : spec.Role;
            long entryOffset;
            if (tied && offsets.TryGetValue(spec.TiedTo!, out var targetOffset)) entryOffset = targetOffset;
            else if (tied) entryOffset = -1; // target listed later; fixed below
            else
            {
                entryOffset = offset;
                offset += spec.Size;
            }
            offsets[spec.Name] = entryOffset;
            entries.Add(new ParameterEntry(spec.Name, spec.Shape, role, spec.Role, spec.Kind, spec.TiedTo, entryOffset, tensor));
        }
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Offset < 0) entries[i] = entries[i] with { Offset = offsets[entries[i].TiedTo!] };
        return new ParameterTable(entries);
    }

    /// <summary>
    /// True when both tensors view the same memory. TorchSharp may hand out a new wrapper object for the same native
    /// tensor (an Embedding's weight does), so neither reference nor handle equality shows a tie.
    /// </summary>
    public static bool SharesStorage(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b)
    {
        if (a.Handle == b.Handle) return true;
        if (a.dtype != b.dtype || a.device_type != b.device_type || a.device_index != b.device_index || !a.shape.SequenceEqual(b.shape) || a.storage_offset() != b.storage_offset()) return false;
        return a.dtype switch
        {
            TorchSharp.torch.ScalarType.Float32 => a.storage<float>().data_ptr() == b.storage<float>().data_ptr(),
            TorchSharp.torch.ScalarType.Float64 => a.storage<double>().data_ptr() == b.storage<double>().data_ptr(),
            _ => false,
        };
    }

    public override string ToString() => string.Join("\n", entries.Select(e =>
        $"{e.Name} [{string.Join(", ", e.Shape)}] {e.Role} offset {e.Offset}" + (e.TiedTo is null ? "" : $" (tied to {e.TiedTo})")));

    public IEnumerator<ParameterEntry> GetEnumerator() => entries.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
