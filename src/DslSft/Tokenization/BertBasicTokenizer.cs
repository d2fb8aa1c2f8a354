using System.Globalization;
using System.Text;

namespace DslSft.Tokenization;

/// <summary>
/// HF's BERT <c>BasicTokenizer</c>, step for step: delete NUL/U+FFFD/control characters and map whitespace to
/// spaces, put spaces around CJK ideographs, NFC-normalise, split on whitespace, lower-case each word with
/// Python's <c>str.lower()</c> and strip accents (NFD, drop Mn), then split off every punctuation character.
/// Words in <c>never_split</c> are left untouched. Written out here because Microsoft.ML.Tokenizers' own
/// basic tokenization differs from Python's (see BertTokenizerGapTests): the WordPiece step after it is the library's.
/// </summary>
public sealed class BertBasicTokenizer
{
    private readonly bool _lowerCase;
    private readonly bool? _stripAccents;
    private readonly bool _splitCjk;
    private readonly IReadOnlySet<string> _neverSplit;

    /// <param name="stripAccents">HF's <c>strip_accents</c>: null means "follow lower-casing".</param>
    public BertBasicTokenizer(bool lowerCase, bool? stripAccents = null, bool splitCjk = true, IReadOnlySet<string>? neverSplit = null)
    {
        _lowerCase = lowerCase;
        _stripAccents = stripAccents;
        _splitCjk = splitCjk;
        _neverSplit = neverSplit ?? new HashSet<string>();
    }

    public List<string> Tokenize(string text)
    {
        var cleaned = Clean(text).Normalize(NormalizationForm.FormC);
        var words = new List<string>();
        foreach (var word in SplitOnWhitespace(cleaned))
        {
            if (_neverSplit.Contains(word))
            {
                words.Add(word);
                continue;
            }
            var normalized = word;
            if (_lowerCase)
            {
                normalized = PythonCaseMapping.Lower(normalized);
                if (_stripAccents != false) normalized = StripAccents(normalized);
            }
            else if (_stripAccents == true)
            {
                normalized = StripAccents(normalized);
            }
            SplitOnPunctuation(normalized, words);
        }
        return words;
    }

    /// <summary>NFD, then drop non-spacing marks (<c>é</c> → <c>e</c>; <c>ħ</c> and <c>ß</c> have no decomposition and stay).</summary>
    public static string StripAccents(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.Normalize(NormalizationForm.FormD).EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) result.Append(rune.ToString());
        return result.ToString();
    }

    private string Clean(string text)
    {
        var result = new StringBuilder(text.Length + 8);
        // Invalid UTF-16 (a lone surrogate) enumerates as U+FFFD and is dropped like Python drops U+FFFD.
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || BertCharacterClasses.IsControl(rune)) continue;
            if (BertCharacterClasses.IsWhitespace(rune)) result.Append(' ');
            else if (_splitCjk && BertCharacterClasses.IsCjkIdeograph(rune)) result.Append(' ').Append(rune.ToString()).Append(' ');
            else result.Append(rune.ToString());
        }
        return result.ToString();
    }

    // Python's str.split(): after cleaning, the only whitespace left is ' ' and the line/paragraph separators.
    private static string[] SplitOnWhitespace(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static void SplitOnPunctuation(string word, List<string> output)
    {
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (BertCharacterClasses.IsPunctuation(rune))
            {
                if (current.Length > 0) output.Add(current.ToString());
                current.Clear();
                output.Add(rune.ToString());
            }
            else
            {
                current.Append(rune.ToString());
            }
        }
        if (current.Length > 0) output.Add(current.ToString());
    }
}
