namespace DslSft.Demo.World;

/// <summary>A sentence as words with one UPOS tag each.</summary>
public sealed record TaggedSentence(IReadOnlyList<string> Words, IReadOnlyList<string> Tags)
{
    /// <summary>The words joined by single spaces (punctuation included as separate words).</summary>
    public string Text => string.Join(' ', Words);
}
