namespace DslSft.Tasks;

/// <summary>The fixed Universal Dependencies label sets the POS and parsing tasks use.</summary>
public static class UdLabels
{
    /// <summary>
    /// Dependency relations without subtypes, in composable-sft's order (<c>UD_HEAD_LABELS</c>), so that
    /// relation ids agree with its parsing heads. Index 0 is <c>_</c>, never a gold label.
    /// </summary>
    public static LabelVocabulary Relations { get; } = new([
        "_", "acl", "advcl", "advmod", "amod", "appos", "aux", "case", "cc", "ccomp", "clf", "compound", "conj",
        "cop", "csubj", "dep", "det", "discourse", "dislocated", "expl", "fixed", "flat", "goeswith", "iobj", "list",
        "mark", "nmod", "nsubj", "nummod", "obj", "obl", "orphan", "parataxis", "punct", "reparandum", "root",
        "vocative", "xcomp",
    ]);

    /// <summary>The 17 universal POS tags, sorted (the order composable-sft's sorted label list gives).</summary>
    public static LabelVocabulary Upos { get; } = new([
        "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
        "SCONJ", "SYM", "VERB", "X",
    ]);
}
