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
    /// The same SFT without diff entries that are exactly zero, +0 or −0 (a dense fine-tuning leaves the embedding rows
    /// of tokens it never saw unchanged). Applying it gives bit for bit the same weights; K counts the entries that
    /// remain. To shrink a dense fine-tuning for compact storage, prefer <see cref="WithoutZeroRows"/>.
    /// </summary>
    public SparseFineTuning WithoutZeroEntries() => Filtered(diff => diff.WithoutZeroEntries());

    /// <summary>
    /// The same SFT without the diff rows whose entries are all exactly zero (see <see cref="SparseDiff.WithoutZeroRows"/>);
    /// K counts the entries that remain. Dropping whole rows keeps the changed rows whole, so
    /// <see cref="Formats.SftStorage.Compact"/> still stores them as row numbers: a stray exact zero inside a changed
    /// row, which <see cref="WithoutZeroEntries"/> removes, costs int32 flat indices for that whole tensor.
    /// </summary>
    public SparseFineTuning WithoutZeroRows() => Filtered(diff => diff.WithoutZeroRows());

    /// <summary>The same SFT with every touched row complete (see <see cref="SparseDiff.WithCompleteRows"/>).</summary>
    public SparseFineTuning WithCompleteRows() => Filtered(diff => diff.WithCompleteRows());

    private SparseFineTuning Filtered(Func<SparseDiff, SparseDiff> filter)
    {
        var diffs = Diffs.ToDictionary(kv => kv.Key, kv => filter(kv.Value), StringComparer.Ordinal);
        return new SparseFineTuning(diffs, Abs, Metadata with { K = diffs.Values.Sum(d => d.Count) });
    }

    /// <summary>The same tensors with other metadata (for example after filling in the base model's checksum).</summary>
    public SparseFineTuning WithMetadata(SftMetadata metadata) => new(Diffs, Abs, metadata);

    /// <summary>
    /// Checks every diff's invariants (see <see cref="SparseDiff.Validate"/>) and that abs tensors are finite float32;
    /// <paramref name="source"/> (a file) is named in the <see cref="InvalidInputException"/>.
    /// </summary>
    public void Validate(string? source = null)
    {
        foreach (var (name, diff) in Diffs) diff.Validate(name, source);
        foreach (var (name, value) in Abs) ValidateAbs(name, value, source);
    }

    /// <summary>An abs tensor must be float32 and finite.</summary>
    internal static void ValidateAbs(string name, Tensor value, string? source)
    {
        if (value.dtype != ScalarType.Float32)
            throw new InvalidInputException($"abs tensor '{name}' has dtype {value.dtype}; SFT tensors are float32", source);
        using var finite = TorchSharp.torch.isfinite(value);
        if (finite.all().item<bool>()) return;
        using var flat = finite.logical_not().reshape(-1).nonzero();
        long entry = flat[0, 0].item<long>();
        throw new InvalidInputException($"abs tensor '{name}': value {value.reshape(-1)[entry].item<float>()} at flat entry {entry} is not finite", source);
    }
}
