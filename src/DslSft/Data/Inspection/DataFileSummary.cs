namespace DslSft.Data.Inspection;

/// <summary>
/// What a data file holds: counts (sentences, words, examples, ...) and label distributions (UPOS,
/// relations, NER tags, entity types, classes), each sorted by frequency then name.
/// </summary>
public sealed record DataFileSummary(
    string Path,
    DataFormat Format,
    IReadOnlyList<(string Name, long Value)> Counts,
    IReadOnlyList<(string Name, IReadOnlyList<(string Label, long Count)> Counts)> Distributions);
