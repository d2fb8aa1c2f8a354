namespace DslSft.Demo.World;

/// <summary>The word-order parameters in which the world's languages may differ.</summary>
/// <param name="AdjectiveBeforeNoun">"big house" (true) or "house big" (false).</param>
/// <param name="VerbFinal">SOV ("I the house see") when true, SVO ("I see the house") when false.</param>
/// <param name="Prepositions">"in the house" (true) or "the house in" (false).</param>
public sealed record WordOrder(bool AdjectiveBeforeNoun, bool VerbFinal, bool Prepositions)
{
    public string Describe() =>
        $"{(VerbFinal ? "SOV" : "SVO")}, {(AdjectiveBeforeNoun ? "ADJ-NOUN" : "NOUN-ADJ")}, {(Prepositions ? "prepositions" : "postpositions")}";
}
