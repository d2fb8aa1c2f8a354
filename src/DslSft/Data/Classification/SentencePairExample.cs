namespace DslSft.Data.Classification;

/// <summary>
/// One sentence-classification example: NLI (premise, hypothesis, label) or single-sentence
/// classification (<see cref="Hypothesis"/> null). <see cref="Label"/> is null for unlabelled data.
/// </summary>
public sealed record SentencePairExample(string Premise, string? Hypothesis, string? Label, string Path, long Line);
