namespace DslSft.Data.Conllu;

/// <summary>
/// A CoNLL-U sentence: its words, the raw <c># text =</c> line (for MLM text) and <c># sent_id =</c>,
/// and where it starts in the file.
/// </summary>
public sealed record ConlluSentence(IReadOnlyList<ConlluToken> Tokens, string? Text, string? SentId, string Path, long Line)
{
    /// <summary>
    /// Words and UPOS tags for POS tagging. Words whose UPOS is <c>_</c> are dropped, as composable-sft's
    /// token-classification script drops them.
    /// </summary>
    public TaggedSentence ToPosTagged()
    {
        var words = new List<string>(Tokens.Count);
        var tags = new List<string>(Tokens.Count);
        var lines = new List<long>(Tokens.Count);
        foreach (var token in Tokens)
        {
            if (token.Upos == "_") continue;
            words.Add(token.Form);
            tags.Add(token.Upos);
            lines.Add(token.Line);
        }
        return new TaggedSentence(words, tags, Path, lines);
    }

    /// <summary>
    /// Words, heads and relations for dependency parsing. Words whose head is <c>_</c> are dropped (as the
    /// reference does). Relations lose their subtype unless <paramref name="keepSubtypes"/> is set.
    /// </summary>
    public ParseTree ToParseTree(bool keepSubtypes = false)
    {
        var words = new List<string>(Tokens.Count);
        var heads = new List<int>(Tokens.Count);
        var relations = new List<string>(Tokens.Count);
        var lines = new List<long>(Tokens.Count);
        foreach (var token in Tokens)
        {
            if (token.Head is not { } head) continue;
            words.Add(token.Form);
            heads.Add(head);
            relations.Add(keepSubtypes ? token.Deprel : token.BaseDeprel);
            lines.Add(token.Line);
        }
        return new ParseTree(words, heads, relations, Path, lines);
    }
}
