namespace DslSft.Data.Ner;

/// <summary>
/// How B-/I- prefixes mark entity boundaries. IOB2: every entity starts with B-. IOB1 (original
/// CoNLL-2003): entities start with I-, and B- only separates two adjacent entities of the same type.
/// </summary>
public enum TagScheme
{
    Iob2,
    Iob1,
}

/// <summary>Tag helpers shared by the NER reader and metric.</summary>
public static class NerTags
{
    public const string Outside = "O";

    /// <summary>Splits "B-PER" into ('B', "PER"); "O" into ('O', ""). Returns false for anything else.</summary>
    public static bool TryParse(string tag, out char prefix, out string type)
    {
        prefix = 'O';
        type = "";
        if (tag == Outside) return true;
        if (tag.Length >= 3 && (tag[0] == 'B' || tag[0] == 'I') && (tag[1] == '-' || tag[1] == '_'))
        {
            prefix = tag[0];
            type = tag[2..];
            return true;
        }
        return false;
    }

    /// <summary>
    /// Rewrites IOB1 tags as IOB2: an I- that does not continue an entity of the same type becomes B-.
    /// IOB2 input is returned unchanged, so the conversion is safe to apply to either.
    /// </summary>
    public static string[] ToIob2(IReadOnlyList<string> tags)
    {
        var result = new string[tags.Count];
        string previousType = "";
        for (int i = 0; i < tags.Count; i++)
        {
            TryParse(tags[i], out char prefix, out string type);
            result[i] = prefix == 'I' && type != previousType ? "B-" + type : tags[i];
            previousType = prefix == 'O' ? "" : type;
        }
        return result;
    }
}
