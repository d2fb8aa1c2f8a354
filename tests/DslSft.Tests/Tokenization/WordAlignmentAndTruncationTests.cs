using DslSft.Tests.Infrastructure;
using DslSft.Tokenization;

namespace DslSft.Tests.Tokenization;

/// <summary>Word-to-subword alignment for token tasks, truncation (longest first) and label padding.</summary>
public class WordAlignmentAndTruncationTests
{
    private static ITextTokenizer Bert() => TokenizerLoader.FromDirectory(SharedData.Fixture("tiny-bert"));
    private static ITextTokenizer Xlmr() => TokenizerLoader.FromDirectory(SharedData.Fixture("tiny-xlmr"));

    [SharedDataFact]
    public void First_subword_of_each_word_carries_the_label()
    {
        // From reference.json: "unbelievably" -> un ##believ ##ably (190 200 199), "dog" -> 89, "(42)" -> ( 4 ##2 ) (8 20 28 9).
        var encoded = Bert().EncodeWords(["Unbelievably", "dog", "(42)"]);

        Assert.Equal(new[] { 2, 190, 200, 199, 89, 8, 20, 28, 9, 3 }, encoded.InputIds);
        Assert.Equal(new[] { -1, 0, 0, 0, 1, 2, 2, 2, 2, -1 }, encoded.WordIds);
        Assert.Equal(new long[] { -100, 7, -100, -100, 8, 9, -100, -100, -100, -100 }, encoded.AlignWordLabels([7, 8, 9]));
    }

    [SharedDataFact]
    public void XlmR_words_each_get_their_own_prefix()
    {
        var tokenizer = Xlmr();
        var encoded = tokenizer.EncodeWords(["brown", "jumps"]);
        var expected = new[] { 0 }.Concat(tokenizer.Tokenize("brown").Select(t => t.Id)).Concat(tokenizer.Tokenize(" jumps").Select(t => t.Id)).Append(2);
        Assert.Equal(expected, encoded.InputIds);
        // "▁j" starts the second word, as in reference.json's "brown<mask>jumps" case.
        Assert.Equal("▁j", encoded.Tokens[encoded.WordIds!.ToList().IndexOf(1)]);
    }

    [SharedDataFact]
    public void Truncation_keeps_the_specials_and_cuts_words_off()
    {
        var encoded = Bert().EncodeWords(["Unbelievably", "dog", "(42)"], maxLength: 5);
        Assert.Equal(new[] { 2, 190, 200, 199, 3 }, encoded.InputIds);
        Assert.Equal(new long[] { -100, 7, -100, -100, -100 }, encoded.AlignWordLabels([7, 8, 9]));
    }

    [SharedDataFact]
    public void Pair_truncation_removes_from_the_longer_sequence_first()
    {
        var tokenizer = Bert();
        var first = tokenizer.Tokenize("The quick brown fox jumps over the lazy dog."); // 11 tokens
        var second = tokenizer.Tokenize("Today the weather is very nice.");          // 7 tokens
        Assert.Equal((11, 7), (first.Count, second.Count));

        var encoded = tokenizer.Encode("The quick brown fox jumps over the lazy dog.", "Today the weather is very nice.", maxLength: 15);

        // 18 + 3 specials = 21 -> 15: remove 6, all from the first sequence until both are 7, then alternately (second first on ties).
        Assert.Equal(15, encoded.Length);
        var separator = Array.IndexOf(encoded.InputIds, 3);
        Assert.Equal(1 + 6, separator);
        Assert.Equal(first.Take(6).Select(t => t.Id), encoded.InputIds[1..separator]);
        Assert.Equal(second.Take(6).Select(t => t.Id), encoded.InputIds[(separator + 1)..^1]);
        Assert.Equal(Enumerable.Repeat(0, 8).Concat(Enumerable.Repeat(1, 7)), encoded.TokenTypeIds);
    }

    [Fact]
    public void Longest_first_arithmetic()
    {
        Assert.Equal((7, 7), Truncation.LongestFirst(11, 7, 3, 17));
        Assert.Equal((6, 6), Truncation.LongestFirst(11, 7, 3, 15));
        Assert.Equal((3, 0), Truncation.LongestFirst(10, 0, 2, 5));
        Assert.Equal((4, 2), Truncation.LongestFirst(4, 2, 2, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => Truncation.LongestFirst(4, 2, 3, 2));
    }

    [SharedDataFact]
    public void Collate_pads_labels_with_ignore_index()
    {
        var tokenizer = Bert();
        var a = tokenizer.EncodeWords(["dog"]);
        var b = tokenizer.EncodeWords(["Unbelievably", "dog"]);
        using var batch = TokenBatch.Collate([a, b], tokenizer.PadTokenId, [a.AlignWordLabels([1]), b.AlignWordLabels([2, 3])]);

        Assert.Equal(new long[] { 2, 6 }, batch.Labels!.shape);
        Assert.Equal(new long[] { -100, 1, -100, -100, -100, -100, -100, 2, -100, -100, 3, -100 }, batch.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 89, 3, 0, 0, 0, 2, 190, 200, 199, 89, 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
    }

    [SharedDataFact]
    public void XlmR_mask_swallows_the_space_on_its_left()
    {
        var tokenizer = Xlmr();
        var reference = tokenizer.Encode("brown<mask> jumps").InputIds;
        Assert.Equal(reference, tokenizer.Encode("brown   <mask> jumps").InputIds);
        // The chunk after <mask> is encoded on its own, so it starts with "▁" whether or not a space follows.
        Assert.Equal(reference, tokenizer.Encode("brown <mask>jumps").InputIds);
        // Without lstrip, the space before <mask> would become a "▁" piece of its own.
        Assert.Equal(tokenizer.Tokenize("brown").Count + 1 + tokenizer.Tokenize("jumps").Count + 2, reference.Length);
    }
}
