namespace DslSft.Training.MultiSource;

/// <summary>A batch drawn from one named source (for example one language of a multi-source task set).</summary>
public sealed record SourcedBatch<TBatch>(string Source, TBatch Batch);
