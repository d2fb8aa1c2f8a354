namespace DslSft.Demo.World;

/// <summary>The Universal Dependencies part-of-speech tags the demo world uses (a subset of the 17 UPOS tags).</summary>
public static class Upos
{
    public const string Det = "DET";
    public const string Adj = "ADJ";
    public const string Noun = "NOUN";
    public const string Propn = "PROPN";
    public const string Verb = "VERB";
    public const string Adp = "ADP";
    public const string Pron = "PRON";
    public const string Adv = "ADV";
    public const string Cconj = "CCONJ";
    public const string Num = "NUM";
    public const string Punct = "PUNCT";

    /// <summary>Every tag the world can produce, in a fixed order (the label set of the POS task).</summary>
    public static readonly IReadOnlyList<string> All = [Det, Adj, Noun, Propn, Verb, Adp, Pron, Adv, Cconj, Num, Punct];
}
