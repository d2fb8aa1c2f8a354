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
}

/// <summary>Provenance of an SFT: which base model it belongs to and how it was trained.</summary>
public sealed record SftMetadata
{
    /// <summary>Identity of the base model (for example its directory name or built-in model name).</summary>
    public string? BaseModel { get; init; }
    /// <summary>Checksum of the base model's maskable weights; loading onto different weights is an error.</summary>
    public string? BaseModelChecksum { get; init; }
    /// <summary>"lt-sft", "random", "dense", "imported", "merged", ...</summary>
    public string? Method { get; init; }
    /// <summary>Number of maskable entries selected (K).</summary>
    public long? K { get; init; }
    /// <summary>Training arguments, free-form, as written by the trainer.</summary>
    public IReadOnlyDictionary<string, string> TrainingArguments { get; init; } = new Dictionary<string, string>();
}
