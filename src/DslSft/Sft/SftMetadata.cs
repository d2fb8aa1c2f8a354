namespace DslSft.Sft;

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
