namespace DslSft.Demo.World;

/// <summary>
/// A small probabilistic grammar over the concept inventory. It respects selectional preferences
/// (transitive verbs take objects of their classes, adjectives modify nouns they fit, adpositions take their
/// noun class), which gives words distributional fingerprints that are the same in every language: the
/// signal a multilingual encoder can align languages by.
/// </summary>
public sealed class SentenceGrammar(ConceptInventory inventory)
{
    public SentencePlan Sample(DeterministicRandom random)
    {
        var clauses = new List<ClausePlan> { SampleClause(random) };
        Concept? conjunction = null;
        if (random.Chance(0.2))
        {
            conjunction = Pick(random, inventory.Conjunctions);
            clauses.Add(SampleClause(random));
        }
        var punctuation = random.Chance(0.15) ? inventory.QuestionMark : inventory.FullStop;
        return new SentencePlan(clauses, conjunction, punctuation);
    }

    private ClausePlan SampleClause(DeterministicRandom random)
    {
        var subject = SampleArgument(random, NounClass.Animate, allowModifier: true);
        bool transitive = random.Chance(0.6);
        var verb = Pick(random, transitive ? inventory.TransitiveVerbs : inventory.IntransitiveVerbs);
        NounPhrasePlan? obj = null;
        if (transitive) obj = SampleArgument(random, random.Pick(verb.Selects), allowModifier: true);
        var adjunct = random.Chance(0.35) ? SampleAdpositionPhrase(random) : null;
        var adverb = random.Chance(0.25) ? Pick(random, inventory.Adverbs) : null;
        return new ClausePlan(subject, verb, obj, adjunct, adverb);
    }

    /// <summary>A subject or object: animates are sometimes a pronoun or a name.</summary>
    private NounPhrasePlan SampleArgument(DeterministicRandom random, NounClass nounClass, bool allowModifier)
    {
        if (nounClass == NounClass.Animate)
        {
            double r = random.NextDouble();
            if (r < 0.25) return new NounPhrasePlan(Pick(random, inventory.Pronouns));
            if (r < 0.40) return new NounPhrasePlan(Pick(random, inventory.ProperNames));
        }
        return SampleNounPhrase(random, nounClass, allowModifier);
    }

    private NounPhrasePlan SampleNounPhrase(DeterministicRandom random, NounClass nounClass, bool allowModifier)
    {
        var head = Pick(random, inventory.Nouns[nounClass]);
        var determiner = random.Chance(0.9) ? Pick(random, inventory.Determiners) : null;
        var number = random.Chance(0.12) ? Pick(random, inventory.Numbers) : null;
        Concept? adjective = null;
        if (random.Chance(0.35))
        {
            var fitting = inventory.Adjectives.Where(a => a.Selects.Contains(nounClass)).ToList();
            if (fitting.Count > 0) adjective = Pick(random, fitting);
        }
        var modifier = allowModifier && random.Chance(0.1) ? SampleAdpositionPhrase(random, allowModifier: false) : null;
        return new NounPhrasePlan(head, determiner, number, adjective, modifier);
    }

    private AdpositionPhrasePlan SampleAdpositionPhrase(DeterministicRandom random, bool allowModifier = false)
    {
        var adposition = Pick(random, inventory.Adpositions);
        return new AdpositionPhrasePlan(adposition, SampleNounPhrase(random, adposition.Class!.Value, allowModifier));
    }

    /// <summary>A concept drawn by its Zipf weight.</summary>
    private static Concept Pick(DeterministicRandom random, IReadOnlyList<Concept> concepts) =>
        concepts[random.PickWeighted(concepts.Select(c => c.Weight).ToList())];
}
