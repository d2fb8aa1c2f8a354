namespace DslSft.Tokenization;

/// <summary>
/// A special (added) token that is recognised literally in input text, as HF's slow tokenizers do.
/// <paramref name="StripLeft"/> / <paramref name="StripRight"/> are HF's <c>lstrip</c> / <c>rstrip</c>: the token
/// swallows the whitespace on that side (XLM-R's <c>&lt;mask&gt;</c> has lstrip).
/// </summary>
public sealed record SpecialToken(string Content, int Id, bool StripLeft = false, bool StripRight = false);
