using System.Globalization;
using System.Text;

namespace DslSft.Tokenization;

/// <summary>
/// Python's <c>str.lower()</c>, which HF's BERT tokenizer uses and .NET's <c>ToLowerInvariant</c> does not match:
/// Python applies the full (SpecialCasing) mapping, so <c>İ</c> (U+0130) becomes <c>i</c> + U+0307, and the
/// context-dependent Greek final sigma (<c>ΟΔΟΣ</c> → <c>οδος</c>, not <c>οδοσ</c>). Every other code point
/// uses the simple lowercase mapping, which is what <see cref="Rune.ToLowerInvariant"/> gives.
/// </summary>
public static class PythonCaseMapping
{
    private const int CapitalSigma = 0x03A3;
    private const string SmallSigma = "σ";
    private const string FinalSigma = "ς";

    public static string Lower(string text)
    {
        var runes = new List<Rune>(text.Length);
        foreach (var rune in text.EnumerateRunes()) runes.Add(rune);
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < runes.Count; i++)
        {
            var rune = runes[i];
            if (rune.Value == 0x0130) result.Append("i\u0307");
            else if (rune.Value == CapitalSigma) result.Append(IsFinalSigma(runes, i) ? FinalSigma : SmallSigma);
            else result.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return result.ToString();
    }

    // CPython's handle_capital_sigma: final when a cased letter precedes it and none follows, skipping case-ignorable code points on both sides.
    private static bool IsFinalSigma(List<Rune> runes, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before])) before--;
        if (before < 0 || !IsCased(runes[before])) return false;
        var after = index + 1;
        while (after < runes.Count && IsCaseIgnorable(runes[after])) after++;
        return after == runes.Count || !IsCased(runes[after]);
    }

    // Unicode "Cased": letters with case (Other_Lowercase/Other_Uppercase are approximated by the letter categories).
    private static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    // Unicode "Case_Ignorable": marks, format characters, modifier letters/symbols and the word-internal punctuation of Word_Break MidLetter/MidNumLet/Single_Quote.
    private static bool IsCaseIgnorable(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || rune.Value is '\'' or '.' or ':' or 0x00B7 or 0x0387 or 0x05F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
