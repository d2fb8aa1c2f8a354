namespace DslSft.Metrics;

/// <summary>A labelled chunk: entity type and inclusive token range (seqeval's (type, begin, end) triple).</summary>
public readonly record struct EntitySpan(string Type, int Start, int End);
