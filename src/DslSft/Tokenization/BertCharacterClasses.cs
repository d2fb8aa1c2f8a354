using System.Globalization;
using System.Text;

namespace DslSft.Tokenization;

/// <summary>The character classes of HF's BERT BasicTokenizer (<c>_is_whitespace</c>, <c>_is_control</c>, <c>_is_punctuation</c>, <c>_is_chinese_char</c>).</summary>
public static class BertCharacterClasses
{
    /// <summary>Space, tab, newline, carriage return and every Zs space separator (NBSP included).</summary>
    public static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    /// <summary>Any "C*" category (control, format such as U+200B, surrogate, private use, unassigned) except tab/newline/CR.</summary>
    public static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>Any "P*" category, plus every non-alphanumeric ASCII symbol ($, +, &lt;, =, &gt;, ^, `, |, ~ are not P* in Unicode).</summary>
    public static bool IsPunctuation(Rune rune)
    {
        var cp = rune.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana, which are split on whitespace like other scripts).</summary>
    public static bool IsCjkIdeograph(Rune rune) =>
        rune.Value is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
