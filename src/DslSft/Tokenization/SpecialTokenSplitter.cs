namespace DslSft.Tokenization;

/// <summary>
/// Splits text around literal special tokens the way HF's slow tokenizers do (their trie: the leftmost match
/// wins, the longest one where several start at the same place), then applies each token's lstrip/rstrip to
/// the neighbouring chunks. Chunks between special tokens are returned as text (possibly empty).
/// </summary>
public sealed class SpecialTokenSplitter
{
    private readonly SpecialToken[] _byLengthDescending;

    public SpecialTokenSplitter(IEnumerable<SpecialToken> tokens)
    {
        _byLengthDescending = tokens.Where(t => t.Content.Length > 0)
            .OrderByDescending(t => t.Content.Length).ToArray();
    }

    /// <summary>A chunk of text (Special null) or a recognised special token.</summary>
    public readonly record struct Piece(string Text, SpecialToken? Special);

    public IReadOnlyList<Piece> Split(string text)
    {
        var pieces = new List<Piece>();
        var chunkStart = 0;
        for (var i = 0; i < text.Length;)
        {
            var match = MatchAt(text, i);
            if (match is null)
            {
                i++;
                continue;
            }
            pieces.Add(new Piece(text[chunkStart..i], null));
            pieces.Add(new Piece(match.Content, match));
            i += match.Content.Length;
            chunkStart = i;
        }
        pieces.Add(new Piece(text[chunkStart..], null));

        for (var p = 1; p < pieces.Count; p += 2)
        {
            var special = pieces[p].Special!;
            // HF strips the neighbouring chunk with Python's str.rstrip()/lstrip(), i.e. any Unicode whitespace.
            if (special.StripLeft) pieces[p - 1] = pieces[p - 1] with { Text = pieces[p - 1].Text.TrimEnd() };
            if (special.StripRight) pieces[p + 1] = pieces[p + 1] with { Text = pieces[p + 1].Text.TrimStart() };
        }
        return pieces;
    }

    private SpecialToken? MatchAt(string text, int index)
    {
        foreach (var token in _byLengthDescending)
            if (string.CompareOrdinal(text, index, token.Content, 0, token.Content.Length) == 0 && index + token.Content.Length <= text.Length)
                return token;
        return null;
    }
}
