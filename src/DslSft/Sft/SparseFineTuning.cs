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
    /// The same SFT without diff entries that are exactly zero (a dense fine-tuning leaves the embedding rows of tokens it
    /// never saw unchanged). Applying it gives bit for bit the same weights; K counts the entries that remain.
    /// </summary>
    public SparseFineTuning WithoutZeroEntries()
    {
        var diffs = new Dictionary<string, SparseDiff>(StringComparer.Ordinal);
        foreach (var (name, diff) in Diffs)
        {
            using var keep = diff.Values.ne(0);
            diffs[name] = new SparseDiff(diff.Shape, diff.Indices.masked_select(keep), diff.Values.masked_select(keep));
        }
        var sft = new SparseFineTuning(diffs, Abs, Metadata);
        return sft.WithMetadata(Metadata with { K = sft.NonZeroCount });
    }

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
