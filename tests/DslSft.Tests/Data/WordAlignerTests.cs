using DslSft.Data.Alignment;
using static DslSft.Tests.Data.FakeSubwordEncoder;

namespace DslSft.Tests.Data;

public class WordAlignerTests
{
    [Fact]
    public void First_subword_carries_the_label_and_word_spans_are_recorded()
    {
        var aligner = new WordAligner(new FakeSubwordEncoder(pieceLength: 3), maxLength: 16);
        // "elephants" → ele|pha|nts, "is" → is, "big" → big
        var aligned = aligner.Align(["elephants", "is", "big"], [7, 8, 9])!;
        Assert.Equal([101, PieceId("ele"), PieceId("pha"), PieceId("nts"), PieceId("is"), PieceId("big"), 102], aligned.Input.InputIds);
        Assert.Equal([-100, 7, -100, -100, 8, 9, -100], aligned.TokenLabels);
        Assert.Equal([1, 4, 5, 6], aligned.WordStarts);
        Assert.Equal([1, 4, 5], aligned.FirstSubwords.ToArray());
        Assert.All(aligned.Input.SegmentIds, s => Assert.Equal(0, s));
    }

    [Fact]
    public void Too_long_examples_are_dropped_and_counted()
    {
        var aligner = new WordAligner(new FakeSubwordEncoder(pieceLength: 1), maxLength: 5);
        Assert.NotNull(aligner.Align(["abc"], [1]));        // 3 + 2 = 5 tokens: fits exactly
        Assert.Null(aligner.Align(["abcd"], [1]));          // 6 tokens
        Assert.Null(aligner.Align(["ab", "cd"], [1, 2]));   // 6 tokens
        Assert.Equal((1, 2), (aligner.Kept, aligner.Dropped));
    }

    [Fact]
    public void A_word_the_tokenizer_erases_gets_the_unknown_token()
    {
        var aligner = new WordAligner(new FakeSubwordEncoder(), maxLength: 16);
        var aligned = aligner.Align(["a", " ", "b"], [1, 2, 3])!;
        Assert.Equal([101, PieceId("a"), 100, PieceId("b"), 102], aligned.Input.InputIds);
        Assert.Equal([-100, 1, 2, 3, -100], aligned.TokenLabels);
    }

    [Fact]
    public void Pairs_truncate_longest_first_with_bert_segments()
    {
        var encoder = new FakeSubwordEncoder(pieceLength: 1);
        // a: 5 tokens, b: 3 tokens, budget 10 - 3 = 7 → a loses 1 (5>3), then a=4>3 loses 1 → 3,3... stops at 4+3=7.
        var input = PairTruncation.Encode(encoder, "abcde", "xyz", maxLength: 10);
        Assert.Equal(10, input.Length);
        Assert.Equal([101, PieceId("a"), PieceId("b"), PieceId("c"), PieceId("d"), 102, PieceId("x"), PieceId("y"), PieceId("z"), 102], input.InputIds);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], input.SegmentIds);
        // Ties remove from the second sequence (HF longest_first).
        var tie = PairTruncation.Encode(encoder, "ab", "xy", maxLength: 6);
        Assert.Equal([101, PieceId("a"), PieceId("b"), 102, PieceId("x"), 102], tie.InputIds);
    }

    [Fact]
    public void Roberta_framing_doubles_the_separator_and_has_no_segments()
    {
        var encoder = new FakeSubwordEncoder(pieceLength: 5, SequenceFraming.Roberta(bos: 0, eos: 2, pad: 1, unk: 3));
        var input = PairTruncation.Encode(encoder, "a", "b", maxLength: 16);
        Assert.Equal([0, PieceId("a"), 2, 2, PieceId("b"), 2], input.InputIds);
        Assert.All(input.SegmentIds, s => Assert.Equal(0, s));
    }
}
