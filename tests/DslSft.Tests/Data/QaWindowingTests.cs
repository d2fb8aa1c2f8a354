using DslSft.Data.Qa;

namespace DslSft.Tests.Data;

public class QaWindowingTests
{
    private static QaExample Example(string context, string question, string? answer)
    {
        var answers = answer is null ? Array.Empty<QaAnswer>() : [new QaAnswer(answer, context.IndexOf(answer, StringComparison.Ordinal))];
        return new QaExample("q", "t", context, question, answers, false, "x.json", 1);
    }

    [Fact]
    public void Short_context_gives_one_window_with_the_answer_tokens()
    {
        var windowing = new QaWindowing(new FakeSubwordEncoder(pieceLength: 10), maxLength: 32, docStride: 4);
        var example = Example("the quick brown fox jumps", "who jumps", "brown fox");
        var feature = Assert.Single(windowing.Windows(example, 0));
        // [CLS] who jumps [SEP] the quick brown fox jumps [SEP]
        Assert.Equal(10, feature.Input.Length);
        Assert.Equal((6, 7), (feature.StartPosition, feature.EndPosition));
        Assert.Equal("brown fox", example.Context[feature.CharStarts[6]..feature.CharEnds[7]]);
        Assert.False(feature.IsContextToken(0));
        Assert.False(feature.IsContextToken(2));
        Assert.False(feature.IsContextToken(9));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], feature.Input.SegmentIds);
    }

    [Fact]
    public void Long_context_is_windowed_with_overlap_and_answer_found_where_whole()
    {
        var windowing = new QaWindowing(new FakeSubwordEncoder(pieceLength: 10), maxLength: 9, docStride: 2);
        // Room per window = 9 - 3 specials - 1 question token = 5 context tokens; step 5 - 2 = 3.
        var context = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9";
        var features = windowing.Windows(Example(context, "q", "w5 w6"), 0).ToList();
        var firstTokens = features.Select(f => context[f.CharStarts[3]..f.CharEnds[3]]).ToList();
        Assert.Equal(["w0", "w3", "w6"], firstTokens);
        Assert.Equal(8, features[2].Input.Length);   // last window: w6..w9
        // The answer w5 w6 is whole only in the window starting at w3 (tokens w3..w7): positions 3+2, 3+3.
        Assert.Equal([(0, 0), (5, 6), (0, 0)], features.Select(f => (f.StartPosition, f.EndPosition)));
    }

    [Fact]
    public void Question_too_long_for_the_window_is_an_input_error()
    {
        var windowing = new QaWindowing(new FakeSubwordEncoder(pieceLength: 1), maxLength: 8, docStride: 1);
        var e = Assert.Throws<InvalidInputException>(() => windowing.Windows(Example("abc", "a long question", null), 0).ToList());
        Assert.StartsWith("x.json:1: question q is 13 tokens", e.Message);
    }
}
