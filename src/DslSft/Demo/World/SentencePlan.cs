namespace DslSft.Demo.World;

/// <summary>
/// A sentence as meaning and structure, before any language chooses words and word order. Sampling a plan
/// once and realising it in two languages gives a translation pair with identical part-of-speech structure.
/// </summary>
public sealed record SentencePlan(IReadOnlyList<ClausePlan> Clauses, Concept? Conjunction, Concept FinalPunctuation);

/// <summary>Subject, verb, optional object, optional adjunct phrase and adverb.</summary>
public sealed record ClausePlan(NounPhrasePlan Subject, Concept Verb, NounPhrasePlan? Object, AdpositionPhrasePlan? Adjunct, Concept? Adverb);

/// <summary>A noun phrase; a pronoun or proper name stands alone (no determiner, number or adjective).</summary>
public sealed record NounPhrasePlan(Concept Head, Concept? Determiner = null, Concept? Number = null, Concept? Adjective = null, AdpositionPhrasePlan? Modifier = null);

/// <summary>An adposition and its noun phrase ("in the old house").</summary>
public sealed record AdpositionPhrasePlan(Concept Adposition, NounPhrasePlan Object);
