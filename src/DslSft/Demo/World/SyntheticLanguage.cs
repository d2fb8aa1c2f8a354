namespace DslSft.Demo.World;

/// <summary>One language of the demo world: a word form for each concept and a word order.</summary>
public sealed class SyntheticLanguage(string code, string name, WordOrder order, IReadOnlyDictionary<Concept, string> lexicon)
{
    /// <summary>Short code used in file names ("src", "tgt").</summary>
    public string Code { get; } = code;
    public string Name { get; } = name;
    public WordOrder Order { get; } = order;
    public IReadOnlyDictionary<Concept, string> Lexicon { get; } = lexicon;

    /// <summary>Every distinct word form of the language, anchors included, in a fixed order.</summary>
    public IReadOnlyList<string> Vocabulary => Lexicon.Values.Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Words with their tags, in this language's word order.</summary>
    public TaggedSentence Realize(SentencePlan plan)
    {
        var words = new List<string>();
        var tags = new List<string>();
        void Emit(Concept c)
        {
            words.Add(Lexicon[c]);
            tags.Add(c.Upos);
        }

        void NounPhrase(NounPhrasePlan np)
        {
            if (np.Determiner is not null) Emit(np.Determiner);
            if (np.Number is not null) Emit(np.Number);
            if (np.Adjective is not null && Order.AdjectiveBeforeNoun) Emit(np.Adjective);
            Emit(np.Head);
            if (np.Adjective is not null && !Order.AdjectiveBeforeNoun) Emit(np.Adjective);
            if (np.Modifier is not null) AdpositionPhrase(np.Modifier);
        }

        void AdpositionPhrase(AdpositionPhrasePlan pp)
        {
            if (Order.Prepositions) Emit(pp.Adposition);
            NounPhrase(pp.Object);
            if (!Order.Prepositions) Emit(pp.Adposition);
        }

        void Clause(ClausePlan clause)
        {
            NounPhrase(clause.Subject);
            if (!Order.VerbFinal) Emit(clause.Verb);
            if (clause.Object is not null) NounPhrase(clause.Object);
            if (clause.Adjunct is not null) AdpositionPhrase(clause.Adjunct);
            if (clause.Adverb is not null) Emit(clause.Adverb);
            if (Order.VerbFinal) Emit(clause.Verb);
        }

        for (int i = 0; i < plan.Clauses.Count; i++)
        {
            if (i > 0)
            {
                words.Add(",");
                tags.Add(Upos.Punct);
                if (plan.Conjunction is not null) Emit(plan.Conjunction);
            }
            Clause(plan.Clauses[i]);
        }
        Emit(plan.FinalPunctuation);
        return new TaggedSentence(words, tags);
    }
}
