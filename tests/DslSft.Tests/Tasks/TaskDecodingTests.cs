using DslSft.Data.Alignment;
using DslSft.Data.Qa;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tasks.Parsing;
using DslSft.Tasks.Qa;
using DslSft.Tests.Data;

namespace DslSft.Tests.Tasks;

public class TaskDecodingTests
{
    [Fact]
    public void Argmax_takes_the_first_maximum()
    {
        Assert.Equal([1, 0, 2], Argmax.Rows([0f, 2f, 1f, /**/ 3f, 3f, 0f, /**/ -1f, -2f, 0f], 3));
        Assert.Throws<ArgumentException>(() => Argmax.Rows(new float[5], 3));
    }

    [Fact]
    public void Token_predictions_come_from_first_subwords()
    {
        var aligned = new WordAligner(new FakeSubwordEncoder(pieceLength: 2), 16).Align(["abcd", "e"], [1, 0])!;
        // Input: [CLS] ab cd e [SEP]; labels: 2. Make the continuation piece "cd" prefer label 0 to show it is ignored.
        float[] logits = [9, 0, /* ab */ 0, 1, /* cd */ 9, 0, /* e */ 1, 0, /* sep */ 0, 9];
        Assert.Equal([1, 0], TokenClassificationDecoder.PredictWords(logits, 2, aligned.FirstSubwords));

        var pos = new PosEvaluator();
        pos.Add([1, 1], logits, 2, aligned.FirstSubwords);
        Assert.Equal(0.5, pos.Result()["accuracy"]);
    }

    [Fact]
    public void Ner_evaluator_scores_predicted_tags_as_spans()
    {
        var tags = new LabelVocabulary(["O", "B-PER", "I-PER"]);
        var evaluator = new NerEvaluator(tags);
        // Three words at positions 1, 2, 3; predicted B-PER I-PER O, gold B-PER I-PER O.
        float[] logits = [0, 0, 0, /* w1 */ 0, 5, 0, /* w2 */ 0, 0, 5, /* w3 */ 5, 0, 0, 0, 0, 0];
        var predicted = evaluator.Add(["B-PER", "I-PER", "O"], logits, [1, 2, 3]);
        Assert.Equal(["B-PER", "I-PER", "O"], predicted);
        Assert.Equal(1.0, evaluator.Result()["f1"]);
    }

    [Fact]
    public void Parsing_evaluator_reports_uas_and_las()
    {
        var evaluator = new ParsingEvaluator(HeadDecoding.Greedy);
        float[] arcs = [0f, -9f, 5f, /**/ 5f, 0f, -9f];   // word 1 → 2, word 2 → root
        float[] rels = [0, 0, /**/ 0, 0, /**/ 1, 0, /**/ 0, 1, /**/ 0, 0, /**/ 0, 0];   // (1,2) → rel 0, (2,0) → rel 1
        var parse = evaluator.Add([2, 0], [0, 0], new ParseScores(arcs, rels, 2, 2));
        Assert.Equal([2, 0], parse.Heads);
        Assert.Equal([0, 1], parse.Relations);
        var result = evaluator.Result();
        Assert.Equal((1.0, 0.5), (result["uas"], result["las"]));
    }

    [Fact]
    public void Qa_decoder_picks_the_best_valid_span_across_windows()
    {
        var example = new QaExample("q", "t", "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", "q", [new QaAnswer("w5 w6", 15)], false, "x.json", 1);
        var windowing = new QaWindowing(new FakeSubwordEncoder(pieceLength: 10), maxLength: 9, docStride: 2);
        var features = windowing.Windows(example, 0).ToList();
        var windows = features.Select(f =>
        {
            var start = new float[f.Input.Length];
            var end = new float[f.Input.Length];
            // The CLS and question tokens score highest, but are not context: they must be skipped.
            start[0] = end[0] = 100;
            start[1] = end[1] = 100;
            if (f == features[1]) { start[5] = 4; end[6] = 4; end[7] = 3.5f; }
            if (f == features[2]) { Array.Fill(start, -100f); start[6] = 3; end[3] = 9; }   // (6, 3) would score 12 but ends before it starts
            return (f, start, end);
        });
        var decoder = new QaSpanDecoder(maxAnswerLength: 30);
        var prediction = decoder.Best(example, windows);
        Assert.Equal("w5 w6", prediction.Text);
        Assert.Equal((15, 20), (prediction.CharStart, prediction.CharEnd));
        Assert.Equal(8, prediction.Score);
    }

    [Fact]
    public void Qa_decoder_respects_the_maximum_answer_length()
    {
        var example = new QaExample("q", "t", "a b c d", "q", [], false, "x.json", 1);
        var feature = new QaWindowing(new FakeSubwordEncoder(), 32, 4).Windows(example, 0).Single();
        // [CLS] q [SEP] a b c d [SEP]: start at a (3), end at d (6) scores best but spans 4 tokens.
        var start = new float[8]; var end = new float[8];
        start[3] = 5; end[6] = 5; end[4] = 1;
        Assert.Equal("a b", new QaSpanDecoder(maxAnswerLength: 2).Best(example, feature, start, end)!.Text);
        Assert.Equal("a b c d", new QaSpanDecoder(maxAnswerLength: 4).Best(example, feature, start, end)!.Text);
    }

    [Fact]
    public void Task_names_parse_and_unknown_names_are_input_errors()
    {
        Assert.Equal(TaskKind.DependencyParsing, TaskKinds.Parse("dp"));
        Assert.Equal(TaskKind.Ner, TaskKinds.Parse("NER"));
        Assert.Equal("qa", TaskKind.QuestionAnswering.Name());
        var e = Assert.Throws<InvalidInputException>(() => TaskKinds.Parse("translate"));
        Assert.Equal("unknown task 'translate' (expected one of: pos, ner, dp, nli, sc, qa)", e.Message);
    }

    [Fact]
    public void Ud_label_sets_match_composable_sft()
    {
        Assert.Equal(38, UdLabels.Relations.Count);
        Assert.Equal("_", UdLabels.Relations[0]);
        Assert.Equal(35, UdLabels.Relations.IdOf("root"));
        Assert.Equal(17, UdLabels.Upos.Count);
        Assert.Equal(UdLabels.Upos.Labels.Order(StringComparer.Ordinal), UdLabels.Upos.Labels);
    }
}
