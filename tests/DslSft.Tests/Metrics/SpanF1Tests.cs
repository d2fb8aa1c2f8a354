using DslSft.Metrics;

namespace DslSft.Tests.Metrics;

public class SpanF1Tests
{
    private static SpanF1 Score(params (string[] Gold, string[] Predicted)[] sentences)
    {
        var score = new SpanF1();
        foreach (var (gold, predicted) in sentences) score.Add(gold, predicted);
        return score;
    }

    [Fact]
    public void Matches_the_seqeval_readme_example()
    {
        // seqeval's README: f1_score(y_true, y_pred) == 0.50.
        var score = Score(
            (["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"]),
            (["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"]));
        Assert.Equal(0.5, score.F1, 12);
        Assert.Equal(0.5, score.Precision, 12);
        Assert.Equal(0.5, score.Recall, 12);
        Assert.Equal(8.0 / 10, score.TokenAccuracy, 12);
    }

    [Fact]
    public void Wrong_type_counts_against_precision_and_recall()
    {
        var score = Score((["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "I-PER", "O", "B-ORG"]));
        Assert.Equal((2L, 2L, 1L), (score.GoldCount, score.PredictedCount, score.CorrectCount));
        Assert.Equal(0.5, score.F1, 12);
        var byType = score.ByType();
        Assert.Equal(["LOC", "ORG", "PER"], byType.Select(t => t.Type));
        Assert.Equal(1.0, byType[2].F1);
        Assert.Equal(0.0, byType[0].Recall);
    }

    [Fact]
    public void I_without_B_starts_an_entity()
    {
        Assert.Equal([new EntitySpan("PER", 0, 1), new EntitySpan("LOC", 3, 3)], EntityChunker.Chunks(["I-PER", "I-PER", "O", "I-LOC"]));
        Assert.Equal(1.0, Score((["B-PER", "I-PER", "O"], ["I-PER", "I-PER", "O"])).F1);
    }

    [Fact]
    public void Adjacent_same_type_entities_iob2_versus_iob1()
    {
        // IOB2 marks both with B-; IOB1 opens with I- and separates with B-: the same two chunks.
        var twoEntities = new[] { new EntitySpan("PER", 0, 0), new EntitySpan("PER", 1, 1) };
        Assert.Equal(twoEntities, EntityChunker.Chunks(["B-PER", "B-PER"]));
        Assert.Equal(twoEntities, EntityChunker.Chunks(["I-PER", "B-PER"]));
        // Without the separating B- they merge into one entity, which matches neither gold entity.
        Assert.Equal([new EntitySpan("PER", 0, 1)], EntityChunker.Chunks(["I-PER", "I-PER"]));
        var score = Score((["B-PER", "B-PER"], ["I-PER", "I-PER"]));
        Assert.Equal((2L, 1L, 0L), (score.GoldCount, score.PredictedCount, score.CorrectCount));
        Assert.Equal(0.0, score.F1);
    }

    [Fact]
    public void Type_change_splits_entities()
    {
        Assert.Equal([new EntitySpan("PER", 0, 0), new EntitySpan("LOC", 1, 2)], EntityChunker.Chunks(["B-PER", "I-LOC", "I-LOC"]));
    }

    [Fact]
    public void Entities_do_not_run_across_sentences()
    {
        // A chunk ending one sentence and an I- chunk starting the next stay separate.
        var score = Score((["O", "B-PER"], ["O", "B-PER"]), (["I-PER", "O"], ["I-PER", "O"]));
        Assert.Equal((2L, 2L, 2L), (score.GoldCount, score.PredictedCount, score.CorrectCount));
    }

    [Fact]
    public void Iobes_tags_chunk_as_seqeval_does()
    {
        Assert.Equal([new EntitySpan("PER", 0, 0), new EntitySpan("LOC", 1, 3)], EntityChunker.Chunks(["S-PER", "B-LOC", "I-LOC", "E-LOC"]));
    }

    [Fact]
    public void No_entities_gives_zero_not_nan()
    {
        var score = Score((["O", "O"], ["O", "O"]));
        Assert.Equal(0.0, score.F1);
        Assert.Equal(1.0, score.TokenAccuracy);
    }
}
