namespace DslSft.Tokenization;

/// <summary>
/// Where a model family puts its special tokens around one or two sequences:
/// BERT <c>[CLS] A [SEP]</c> / <c>[CLS] A [SEP] B [SEP]</c> with token types 0…0 1…1;
/// XLM-R <c>&lt;s&gt; A &lt;/s&gt;</c> / <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c> with token type 0 everywhere.
/// </summary>
public sealed record SequenceTemplate(SubwordToken Start, SubwordToken Separator, bool DoubleSeparatorBetweenPair, bool SecondSequenceHasTypeOne)
{
    public static SequenceTemplate Bert(SubwordToken cls, SubwordToken sep) => new(cls, sep, DoubleSeparatorBetweenPair: false, SecondSequenceHasTypeOne: true);

    public static SequenceTemplate Roberta(SubwordToken bos, SubwordToken eos) => new(bos, eos, DoubleSeparatorBetweenPair: true, SecondSequenceHasTypeOne: false);

    /// <summary>How many special tokens a single sequence or a pair adds.</summary>
    public int SpecialCount(bool pair) => pair ? (DoubleSeparatorBetweenPair ? 4 : 3) : 2;

    /// <summary>Builds the full sequence; <paramref name="firstWordIds"/> (when given) are carried into <see cref="TokenizedSequence.WordIds"/>.</summary>
    public TokenizedSequence Build(IReadOnlyList<SubwordToken> first, IReadOnlyList<SubwordToken>? second, IReadOnlyList<int>? firstWordIds = null)
    {
        var tokens = new List<SubwordToken>(first.Count + (second?.Count ?? 0) + 4) { Start };
        var types = new List<int> { 0 };
        var words = new List<int> { -1 };
        for (var i = 0; i < first.Count; i++)
        {
            tokens.Add(first[i]);
            types.Add(0);
            words.Add(firstWordIds?[i] ?? -1);
        }
        tokens.Add(Separator);
        types.Add(0);
        words.Add(-1);
        if (second is not null)
        {
            var secondType = SecondSequenceHasTypeOne ? 1 : 0;
            if (DoubleSeparatorBetweenPair)
            {
                tokens.Add(Separator);
                types.Add(secondType);
                words.Add(-1);
            }
            foreach (var token in second)
            {
                tokens.Add(token);
                types.Add(secondType);
                words.Add(-1);
            }
            tokens.Add(Separator);
            types.Add(secondType);
            words.Add(-1);
        }
        return new TokenizedSequence(
            tokens.Select(t => t.Id).ToArray(),
            tokens.Select(t => t.Text).ToArray(),
            types.ToArray(),
            firstWordIds is null ? null : words.ToArray());
    }
}
