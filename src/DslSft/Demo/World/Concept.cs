namespace DslSft.Demo.World;

/// <summary>What a noun denotes; verbs, adjectives and adpositions select for it.</summary>
public enum NounClass
{
    Animate,
    Thing,
    Place,
}

/// <summary>
/// A language-neutral lexical meaning ("noun.animate.3", "verb.transitive.12"). Both languages of the world
/// express the same concepts with different word forms, so a concept is what a translation pair shares.
/// </summary>
/// <param name="Key">Stable name, also the gloss in debugging output.</param>
/// <param name="Upos">Part-of-speech tag of every word that expresses it.</param>
/// <param name="Weight">Relative frequency within its slot (Zipf-like by rank).</param>
/// <param name="Class">For nouns: the class. For adpositions: the class of noun they take.</param>
/// <param name="Selects">Verbs: classes of the object (empty: intransitive). Adjectives: classes of the nouns they modify.</param>
/// <param name="Anchor">A form every language shares (numbers, punctuation); null for ordinary words.</param>
public sealed record Concept(string Key, string Upos, double Weight, NounClass? Class = null, IReadOnlyList<NounClass>? Selects = null, string? Anchor = null)
{
    public IReadOnlyList<NounClass> Selects { get; init; } = Selects ?? [];

    public bool IsTransitiveVerb => Upos == World.Upos.Verb && Selects.Count > 0;

    public override string ToString() => Key;
}
