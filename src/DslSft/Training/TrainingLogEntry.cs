using System.Text.Json.Serialization;

namespace DslSft.Training;

/// <summary>One line of the JSONL training log: an optimizer update (with loss) or an evaluation (with metrics).</summary>
public sealed record TrainingLogEntry
{
    /// <summary>"step" or "eval".</summary>
    [JsonPropertyName("event")] public required string Event { get; init; }
    [JsonPropertyName("phase")] public required string Phase { get; init; }
    [JsonPropertyName("iteration")] public required int Iteration { get; init; }
    /// <summary>1-based update number within the phase.</summary>
    [JsonPropertyName("step")] public required long Step { get; init; }
    [JsonPropertyName("loss")] public double? Loss { get; init; }
    [JsonPropertyName("lr")] public double? LearningRate { get; init; }
    [JsonPropertyName("grad_norm")] public double? GradNorm { get; init; }
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
