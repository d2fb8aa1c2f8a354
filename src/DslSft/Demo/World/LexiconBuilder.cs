namespace DslSft.Demo.World;

/// <summary>
/// Gives every concept a word form in one language. Function words (determiners, pronouns, adpositions,
/// conjunctions) get one syllable, content words two or three, as in natural languages where frequent
/// words are short. Anchors (numbers, punctuation) keep their shared form. Forms already taken by another
/// language of the world are never reused, so lexicons are disjoint. A few noun/verb homographs make the
/// tagging depend on context, as "run" or "book" do in English.
/// </summary>
public static class LexiconBuilder
{
    public static Dictionary<Concept, string> Build(ConceptInventory inventory, Phonology phonology, int homographs,
        DeterministicRandom random, ISet<string> taken)
    {
        var lexicon = new Dictionary<Concept, string>();
        foreach (var concept in inventory.All)
        {
            if (concept.Anchor is not null)
            {
                lexicon[concept] = concept.Anchor;
                continue;
            }
            bool function = concept.Upos is Upos.Det or Upos.Pron or Upos.Adp or Upos.Cconj;
            for (int attempt = 0; ; attempt++)
            {
                if (attempt > 10_000)
                    throw new InvalidOperationException($"cannot find a free word form for {concept.Key}: the phonology is too small");
                // Widen the length range after many collisions, so a small inventory still terminates.
                int syllables = function ? 1 + attempt / 200 : 2 + random.Next(2) + attempt / 500;
                var form = phonology.Word(random, syllables);
                if (taken.Add(form))
                {
                    lexicon[concept] = form;
                    break;
                }
            }
        }

        // Homographs: a mid-frequency thing-noun lends its form to a transitive verb (whose own form is dropped
        // from the language, though it stays reserved so the other language cannot pick it).
        var nouns = inventory.Nouns[NounClass.Thing].Skip(3).ToList();
        var verbs = inventory.TransitiveVerbs.Skip(3).ToList();
        random.Shuffle(nouns);
        random.Shuffle(verbs);
        for (int i = 0; i < Math.Min(homographs, Math.Min(nouns.Count, verbs.Count)); i++)
            lexicon[verbs[i]] = lexicon[nouns[i]];
        return lexicon;
    }
}
