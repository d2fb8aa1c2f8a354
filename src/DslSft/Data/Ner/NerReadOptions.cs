namespace DslSft.Data.Ner;

/// <summary>
/// Options for <see cref="ConllNerReader"/>. <see cref="TypeMapping"/> renames entity types; mapping a
/// type to "O" removes its entities (MasakhaNER in composable-sft drops DATE and MISC this way).
/// <see cref="Scheme"/> says how the file is tagged; IOB1 files are converted to IOB2 on reading so
/// that the model always learns one scheme.
/// </summary>
public sealed record NerReadOptions
{
    public TagScheme Scheme { get; init; } = TagScheme.Iob2;

    public IReadOnlyDictionary<string, string>? TypeMapping { get; init; }

    /// <summary>composable-sft's MasakhaNER / CoNLL-2003 setup: IOB2, DATE and MISC entities become O.</summary>
    public static NerReadOptions MasakhaNer { get; } = new()
    {
        TypeMapping = new Dictionary<string, string> { ["DATE"] = NerTags.Outside, ["MISC"] = NerTags.Outside },
    };
}
