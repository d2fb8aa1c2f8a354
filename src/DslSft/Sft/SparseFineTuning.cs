using static TorchSharp.torch;

namespace DslSft.Sft;

/// <summary>
/// An SFT: sparse diffs for maskable parameters plus whole ("abs") values for dense head parameters,
/// keyed by HF parameter name (for example <c>bert.encoder.layer.0.attention.self.query.weight</c>).
/// Applying it to a model: θ[name] += diff for every diff, then θ[name] = abs for every abs tensor.
/// </summary>
public sealed class SparseFineTuning
{
    public SparseFineTuning(IReadOnlyDictionary<string, SparseDiff> diffs, IReadOnlyDictionary<string, Tensor> abs, SftMetadata? metadata = null)
    {
        Diffs = diffs;
        Abs = abs;
        Metadata = metadata ?? new SftMetadata();
    }

    public IReadOnlyDictionary<string, SparseDiff> Diffs { get; }
    public IReadOnlyDictionary<string, Tensor> Abs { get; }
    public SftMetadata Metadata { get; }

    /// <summary>Total number of stored diff entries (K).</summary>
    public long NonZeroCount => Diffs.Values.Sum(d => d.Count);

    /// <summary>
    /// The same SFT without diff entries whose value is exactly zero (+0 or −0): applying it gives the same model,
    /// and it stores fewer entries. Abs tensors and metadata (including the training K) are kept as they are.
    /// To shrink a dense fine-tuning for compact storage, prefer <see cref="WithoutZeroRows"/>.
    /// </summary>
    public SparseFineTuning WithoutZeroEntries() =>
        new(Diffs.ToDictionary(kv => kv.Key, kv => kv.Value.WithoutZeroEntries(), StringComparer.Ordinal), Abs, Metadata);

    /// <summary>
    /// The same SFT without the diff rows whose entries are all exactly zero (see <see cref="SparseDiff.WithoutZeroRows"/>);
    /// applying it gives the same model. A dense fine-tuning's diff holds every entry, changed or not, and the
    /// embedding rows of tokens never seen in training stay exactly zero (with weight decay 0). Dropping whole rows
    /// keeps the others whole, so <see cref="Formats.SftStorage.Compact"/> still stores them as row numbers: a stray
    /// exact zero inside a changed row, which <see cref="WithoutZeroEntries"/> would remove, would cost int32 flat
    /// indices for the whole tensor. Abs tensors and metadata are kept as they are.
    /// </summary>
    public SparseFineTuning WithoutZeroRows() =>
        new(Diffs.ToDictionary(kv => kv.Key, kv => kv.Value.WithoutZeroRows(), StringComparer.Ordinal), Abs, Metadata);

    /// <summary>The same tensors with other metadata (for example after filling in the base model's checksum).</summary>
    public SparseFineTuning WithMetadata(SftMetadata metadata) => new(Diffs, Abs, metadata);

    /// <summary>
    /// Checks every diff's invariants (see <see cref="SparseDiff.Validate"/>) and that abs tensors are float32;
    /// <paramref name="source"/> (a file) is named in the <see cref="InvalidInputException"/>.
    /// </summary>
    public void Validate(string? source = null)
    {
        foreach (var (name, diff) in Diffs) diff.Validate(name, source);
        foreach (var (name, value) in Abs)
            if (value.dtype != ScalarType.Float32)
                throw new InvalidInputException($"abs tensor '{name}' has dtype {value.dtype}; SFT tensors are float32", source);
    }
}
