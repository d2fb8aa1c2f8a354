namespace DslSft.Demo.World;

/// <summary>
/// How a language builds word forms: syllables from its consonants and vowels after its patterns
/// ("CV", "CVC", ...). Two languages may share letters; their lexicons are kept disjoint by the
/// <see cref="LexiconBuilder"/>, not by the alphabet.
/// </summary>
public sealed record Phonology(string Consonants, string Vowels, IReadOnlyList<string> SyllablePatterns)
{
    public string Syllable(DeterministicRandom random)
    {
        var pattern = random.Pick(SyllablePatterns);
        var chars = new char[pattern.Length];
        for (int i = 0; i < pattern.Length; i++)
            chars[i] = pattern[i] switch
            {
                'C' => Consonants[random.Next(Consonants.Length)],
                'V' => Vowels[random.Next(Vowels.Length)],
                var c => throw new InvalidOperationException($"syllable pattern '{pattern}' has '{c}'; only C and V are allowed"),
            };
        return new string(chars);
    }

    public string Word(DeterministicRandom random, int syllables)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < syllables; i++) sb.Append(Syllable(random));
        return sb.ToString();
    }
}
