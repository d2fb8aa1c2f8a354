namespace DslSft.Demo.World;

/// <summary>
/// The meanings the world talks about, grouped by the grammar slot that uses them. Shared by all languages:
/// each language only chooses word forms and word order. Frequencies are Zipf-like within a slot, so the
/// text has frequent and rare words, as real text does.
/// </summary>
public sealed class ConceptInventory
{
    public required IReadOnlyList<Concept> Determiners { get; init; }
    public required IReadOnlyList<Concept> Pronouns { get; init; }
    public required IReadOnlyList<Concept> ProperNames { get; init; }
    public required IReadOnlyDictionary<NounClass, IReadOnlyList<Concept>> Nouns { get; init; }
    public required IReadOnlyList<Concept> Adjectives { get; init; }
    public required IReadOnlyList<Concept> IntransitiveVerbs { get; init; }
    public required IReadOnlyList<Concept> TransitiveVerbs { get; init; }
    public required IReadOnlyList<Concept> Adpositions { get; init; }
    public required IReadOnlyList<Concept> Adverbs { get; init; }
    public required IReadOnlyList<Concept> Conjunctions { get; init; }
    /// <summary>Number words, written as digits in every language: a shared anchor.</summary>
    public required IReadOnlyList<Concept> Numbers { get; init; }
    public required Concept FullStop { get; init; }
    public required Concept Comma { get; init; }
    public required Concept QuestionMark { get; init; }

    /// <summary>Every concept, each once, in a fixed order.</summary>
    public IEnumerable<Concept> All =>
        Determiners.Concat(Pronouns).Concat(ProperNames)
            .Concat(Nouns[NounClass.Animate]).Concat(Nouns[NounClass.Thing]).Concat(Nouns[NounClass.Place])
            .Concat(Adjectives).Concat(IntransitiveVerbs).Concat(TransitiveVerbs).Concat(Adpositions)
            .Concat(Adverbs).Concat(Conjunctions).Concat(Numbers).Append(FullStop).Append(Comma).Append(QuestionMark);

    /// <summary>Builds the inventory; <paramref name="random"/> decides the selectional preferences.</summary>
    public static ConceptInventory Create(DeterministicRandom random)
    {
        NounClass[] objectClasses = [NounClass.Animate, NounClass.Thing];
        NounClass[] allClasses = [NounClass.Animate, NounClass.Thing, NounClass.Place];
        return new ConceptInventory
        {
            Determiners = Slot("det", Upos.Det, 5),
            Pronouns = Slot("pron", Upos.Pron, 6),
            ProperNames = Slot("propn", Upos.Propn, 12, NounClass.Animate),
            Nouns = new Dictionary<NounClass, IReadOnlyList<Concept>>
            {
                [NounClass.Animate] = Slot("noun.animate", Upos.Noun, 24, NounClass.Animate),
                [NounClass.Thing] = Slot("noun.thing", Upos.Noun, 32, NounClass.Thing),
                [NounClass.Place] = Slot("noun.place", Upos.Noun, 16, NounClass.Place),
            },
            // An adjective fits one to three noun classes ("happy" fits animates only, "big" fits all).
            Adjectives = Slot("adj", Upos.Adj, 24).Select(c => c with { Selects = Subset(random, allClasses, 1, 3) }).ToList(),
            IntransitiveVerbs = Slot("verb.intransitive", Upos.Verb, 12),
            // A transitive verb takes animate objects, things, or both.
            TransitiveVerbs = Slot("verb.transitive", Upos.Verb, 24).Select(c => c with { Selects = Subset(random, objectClasses, 1, 2) }).ToList(),
            // Most adpositions are locative ("in the house"); the rest take animates or things ("with the dog").
            Adpositions = Slot("adp", Upos.Adp, 8).Select((c, i) => c with { Class = i < 5 ? NounClass.Place : objectClasses[i % 2] }).ToList(),
            Adverbs = Slot("adv", Upos.Adv, 10),
            Conjunctions = Slot("cconj", Upos.Cconj, 2),
            Numbers = Enumerable.Range(2, 11).Select((n, i) => new Concept($"num.{n}", Upos.Num, Zipf(i), Anchor: n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(),
            FullStop = new Concept("punct.stop", Upos.Punct, 1, Anchor: "."),
            Comma = new Concept("punct.comma", Upos.Punct, 1, Anchor: ","),
            QuestionMark = new Concept("punct.question", Upos.Punct, 1, Anchor: "?"),
        };
    }

    private static List<Concept> Slot(string prefix, string upos, int count, NounClass? nounClass = null) =>
        Enumerable.Range(0, count).Select(i => new Concept($"{prefix}.{i}", upos, Zipf(i), nounClass)).ToList();

    /// <summary>Zipf's law with exponent 1: the weight of the item of rank <paramref name="rank"/> (0-based).</summary>
    private static double Zipf(int rank) => 1.0 / (rank + 1);

    private static NounClass[] Subset(DeterministicRandom random, NounClass[] classes, int min, int max)
    {
        var shuffled = classes.ToList();
        random.Shuffle(shuffled);
        int count = min + random.Next(Math.Min(max, classes.Length) - min + 1);
        return shuffled.Take(count).OrderBy(c => c).ToArray();
    }
}
