namespace DslSft.Data.Classification;

/// <summary>
/// Which columns (TSV header names) or fields (JSONL keys) hold the texts and the label. Each list is
/// tried in order; the defaults cover XNLI/MultiNLI (<c>sentence1</c>, <c>sentence2</c>, <c>gold_label</c>),
/// HF datasets (<c>premise</c>, <c>hypothesis</c>, <c>label</c>) and plain classification (<c>text</c>, <c>label</c>).
/// </summary>
public sealed record SentencePairReadOptions
{
    public IReadOnlyList<string> PremiseNames { get; init; } = ["premise", "sentence1", "text_a", "text", "sentence"];

    public IReadOnlyList<string> HypothesisNames { get; init; } = ["hypothesis", "sentence2", "text_b"];

    public IReadOnlyList<string> LabelNames { get; init; } = ["label", "gold_label"];

    /// <summary>
    /// Integer labels in JSONL (HF's ClassLabel ids) are names through this list; without it they stay
    /// as their decimal text.
    /// </summary>
    public IReadOnlyList<string>? LabelNamesById { get; init; }

    /// <summary>Whether every example must have a label (training and evaluation data).</summary>
    public bool RequireLabel { get; init; } = true;

    /// <summary>Whether every example must have a second text (NLI: a premise without its hypothesis is not an example).</summary>
    public bool RequireHypothesis { get; init; }
}
