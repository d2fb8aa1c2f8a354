namespace DslSft.Data.Conllu;

/// <summary>
/// One syntactic word of a CoNLL-U sentence (the ten columns). Multiword-token ranges (<c>1-2</c>) and
/// empty nodes (<c>1.1</c>) are not words and never become tokens. <see cref="Head"/> is null when the
/// column is <c>_</c>; <see cref="Line"/> is the 1-based line in the file, for error messages.
/// </summary>
public sealed record ConlluToken(
    int Id,
    string Form,
    string Lemma,
    string Upos,
    string Xpos,
    string Feats,
    int? Head,
    string Deprel,
    string Deps,
    string Misc,
    long Line)
{
    /// <summary>The relation without its subtype (<c>nmod:poss</c> → <c>nmod</c>), as composable-sft trains on.</summary>
    public string BaseDeprel => Deprel.IndexOf(':') is var colon and >= 0 ? Deprel[..colon] : Deprel;
}
