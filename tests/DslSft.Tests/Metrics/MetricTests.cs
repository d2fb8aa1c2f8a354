using DslSft.Metrics;

namespace DslSft.Tests.Metrics;

public class MetricTests
{
    [Fact]
    public void Accuracy_skips_ignored_positions()
    {
        var accuracy = new Accuracy();
        accuracy.Add([1, 2, -100, 3], [1, 0, 5, 3]);
        accuracy.Add(4, 4);
        Assert.Equal((4L, 3L), (accuracy.Total, accuracy.Correct));
        Assert.Equal(0.75, accuracy.Value);
    }

    [Fact]
    public void Attachment_scores_count_every_word_by_default()
    {
        // Gold: heads 2 0 2 2, relations det root obj punct(=9).
        // Predicted: word 1 right; word 2 right; word 3 right head wrong relation; word 4 wrong head.
        var score = new AttachmentScore();
        score.Add([2, 0, 2, 2], [1, 2, 3, 9], [2, 0, 2, 3], [1, 2, 4, 9]);
        Assert.Equal(3.0 / 4, score.Uas);
        Assert.Equal(2.0 / 4, score.Las);
        Assert.False(score.ExcludesPunctuation);
    }

    [Fact]
    public void Attachment_scores_can_leave_out_punctuation()
    {
        var score = new AttachmentScore(excludeGoldRelation: 9);
        score.Add([2, 0, 2, 2], [1, 2, 3, 9], [2, 0, 2, 3], [1, 2, 4, 9]);
        Assert.Equal(3L, score.Words);
        Assert.Equal(1.0, score.Uas);
        Assert.Equal(2.0 / 3, score.Las, 12);
    }

    [Fact]
    public void Attachment_scores_can_mask_like_composable_sft()
    {
        // With BERT's pad id 0 the reference drops root attachments (word 2 here).
        var score = new AttachmentScore(excludeGoldHead: 0);
        score.Add([2, 0, 2, 2], [1, 2, 3, 9], [2, 1, 2, 3], [1, 2, 4, 9]);
        Assert.Equal(3L, score.Words);
        Assert.Equal(2.0 / 3, score.Uas, 12);
        Assert.Equal(1.0 / 3, score.Las, 12);
    }

    [Theory]
    [InlineData("The Quick, brown fox!", "quick brown fox")]
    [InlineData("  an   Apple\ta day ", "apple day")]
    [InlineData("theatre", "theatre")]
    [InlineData("rock'n'roll", "rocknroll")]
    [InlineData("Café-au-lait", "caféaulait")]
    public void Squad_normalisation(string text, string expected) => Assert.Equal(expected, SquadScore.Normalize(text));

    [Fact]
    public void Squad_f1_and_exact_match_by_hand()
    {
        Assert.Equal(1.0, SquadScore.ExactMatchScore("The Eiffel Tower.", "eiffel tower"));
        // pred {cat, sat} vs gold {cat, sat, on, mat}: P = 1, R = 1/2, F1 = 2/3.
        Assert.Equal(2.0 / 3, SquadScore.F1Score("the cat sat", "a cat sat on the mat"), 12);
        // Repeated tokens count with multiplicity: pred {a? no: dog dog} vs {dog}: common 1, P 1/2, R 1.
        Assert.Equal(2.0 / 3, SquadScore.F1Score("dog dog", "dog"), 12);
        Assert.Equal(0.0, SquadScore.F1Score("", "dog"));

        var score = new SquadScore();
        score.Add("Denver Broncos", ["Denver Broncos", "The Denver Broncos"]);   // EM 1, F1 1
        score.Add("Broncos", ["Denver Broncos"]);                               // EM 0, F1 2/3
        score.Add("Carolina", ["Denver Broncos", "Broncos"]);                   // EM 0, F1 0
        Assert.Equal(1.0 / 3, score.ExactMatch, 12);
        Assert.Equal((1 + 2.0 / 3) / 3, score.F1, 12);
    }
}
