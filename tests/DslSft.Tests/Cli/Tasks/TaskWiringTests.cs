using DslSft.Cli.Wiring;
using DslSft.Cli.Wiring.Tasks;
using DslSft.Data.Qa;
using DslSft.Tasks;
using DslSft.Tasks.Evaluation;
using DslSft.Tests.Data;
using DslSft.Tests.Infrastructure;
using DslSft.Tokenization;
using DslSft.Models;
using static TorchSharp.torch;

namespace DslSft.Tests.Cli.Tasks;

/// <summary>
/// How train-task and eval encode each task's data with the tiny-bert tokenizer (WordPiece, uncased; its vocabulary
/// has "quick" and "##ly" but no "quickly"), checked against hand-worked token layouts.
/// </summary>
public sealed class TaskWiringTests
{
    private static ITextTokenizer Tokenizer() => TokenizerLoader.FromDirectory(SharedData.Fixture("tiny-bert"));

    private const string SofaContext = "the cat sleeps on the sofa. the dog sleeps in the garden. children play in the garden.";

    /// <summary>One question over <see cref="SofaContext"/>, answered by "the sofa" (at character 18).</summary>
    private const string SofaSquad = $$"""
        {"data": [{"title": "t", "paragraphs": [{"context": "{{SofaContext}}",
          "qas": [{"id": "q1", "question": "where does the cat sleep?", "answers": [{"text": "the sofa", "answer_start": 18}]}]}]}]}
        """;

    [SharedDataFact]
    public void Subword_spans_are_the_characters_each_piece_covers()
    {
        var encoder = new TokenizerSubwordEncoder(Tokenizer());
        const string text = "The Cat sleeps quickly in the garden. Schön xq!";
        var encoded = encoder.Encode(text);
        var pieces = encoded.Ids.Select((_, i) => text[encoded.Starts[i]..encoded.Ends[i]]).ToArray();
        // "quickly" = quick + ##ly; punctuation splits off; accents fold (Schön = schon); "xq" needs ##q, which the
        // vocabulary lacks, so it is one [UNK] spanning the whole word.
        Assert.Equal(["The", "Cat", "sleeps", "quick", "ly", "in", "the", "garden", ".", "Schön", "xq", "!"], pieces);
    }

    [SharedDataFact]
    public void Parsing_examples_map_every_subword_to_its_word_and_pad_heads_with_ignore()
    {
        using var files = new TempFiles();
        var path = files.Text("p.conllu",
            "1\tthe\t_\tDET\t_\t_\t2\tdet\t_\t_\n2\tfox\t_\tNOUN\t_\t_\t3\tnsubj\t_\t_\n3\tjump\t_\tVERB\t_\t_\t0\troot\t_\t_\n" +
            "4\tquickly\t_\tADV\t_\t_\t3\tadvmod:emph\t_\t_\n5\t.\t_\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n" +
            "1\tdog\t_\tNOUN\t_\t_\t2\tnsubj\t_\t_\n2\tsleeps\t_\tVERB\t_\t_\t0\troot\t_\t_\n\n");
        var task = new DependencyParsingTask(UdLabels.Relations, new TaskSettings());
        var data = (TaskData<ParsedExample>)task.Encode(path, Tokenizer(), maxLength: 64, training: true);
        Assert.Equal(2, data.Count);
        var first = data.Examples[0];
        // [CLS] the fox jump quick ##ly . [SEP]: [CLS] stands for the root (0); ##ly belongs to word 4.
        Assert.Equal([0L, 1, 2, 3, 4, 4, 5, -1], first.WordIndex);
        Assert.Equal([2, 3, 0, 3, 3], first.Heads);
        Assert.Equal(new[] { "det", "nsubj", "root", "advmod", "punct" }.Select(r => UdLabels.Relations.IdOf(r)), first.Relations);

        using var scope = TorchSharp.torch.NewDisposeScope();
        var padded = data.Batches(batchSize: 2, seed: 1).Epoch(0).Single();
        int second = padded.Heads![0, 3].item<long>() == -100 ? 0 : 1; // the two-word sentence (batches are shuffled)
        Assert.Equal([2L, 8], padded.WordIndex!.shape);
        Assert.Equal([2L, 6], padded.Heads.shape);
        Assert.Equal([-100L, 2, 0, -100, -100, -100], padded.Heads[second].data<long>().ToArray());
        Assert.Equal([0L, 1, 2, -1, -1, -1, -1, -1], padded.WordIndex[second].data<long>().ToArray());

        // A 7-token limit drops the 8-token sentence and counts it.
        var short_ = task.Encode(path, Tokenizer(), maxLength: 7, training: true);
        Assert.Equal((1, 1), (short_.Count, short_.Dropped));
    }

    [SharedDataFact]
    public void Parsing_scores_come_from_each_sentences_own_rows_and_columns()
    {
        using var files = new TempFiles();
        // Sentence 1: heads 2 0 2 (det root punct); sentence 2: heads 0 1 (root obj). Five words, one punct.
        var path = files.Text("s.conllu",
            "1\tthe\t_\tDET\t_\t_\t2\tdet\t_\t_\n2\tdog\t_\tNOUN\t_\t_\t0\troot\t_\t_\n3\t.\t_\tPUNCT\t_\t_\t2\tpunct\t_\t_\n\n" +
            "1\tneed\t_\tVERB\t_\t_\t0\troot\t_\t_\n2\tbread\t_\tNOUN\t_\t_\t1\tobj\t_\t_\n\n");
        int[][] gold = [[2, 0, 2], [0, 1]];
        string[][] relations = [["det", "root", "punct"], ["root", "obj"]];
        // Scores that pick the gold head and relation of every word, except word 1 of each sentence, which scores
        // itself as head best (no tree allows that) and its gold head second.
        ModelOutput Scores(ModelBatch batch)
        {
            long slots = batch.WordIndex!.max().item<long>() + 1, r = UdLabels.Relations.Count;
            var arcs = full(new long[] { 2, slots, slots }, -10f);
            var labels = zeros(2, slots, slots, r);
            for (int s = 0; s < 2; s++)
                for (int w = 1; w <= gold[s].Length; w++)
                {
                    arcs[s, w, gold[s][w - 1]] = tensor(w == 1 ? 0f : 10f);
                    if (w == 1) arcs[s, w, w] = tensor(10f);
                    labels[s, w, TensorIndex.Colon, UdLabels.Relations.IdOf(relations[s][w - 1])] = tensor(5f);
                }
            return new ModelOutput(arcs, null, labels);
        }
        var model = new ScriptedModel(ModelHead.DependencyParsing, Scores);
        var greedy = new DependencyParsingTask(UdLabels.Relations, new TaskSettings()).Encode(path, Tokenizer(), 64, training: false).Evaluate(model, batchSize: 2);
        Assert.Equal((2L, 3.0 / 5, 3.0 / 5), (greedy.Examples, greedy["uas"], greedy["las"]));
        // Without the punct word: 2 of 4.
        var noPunct = new DependencyParsingTask(UdLabels.Relations, new TaskSettings { ExcludePunctuation = true }).Encode(path, Tokenizer(), 64, training: false).Evaluate(model, batchSize: 2);
        Assert.Equal(2.0 / 4, noPunct["uas"]);
        // MST cannot let a word head itself: word 1 takes its second best, the gold head, so the trees are right everywhere.
        var mst = new DependencyParsingTask(UdLabels.Relations, new TaskSettings { Decoding = DslSft.Tasks.Parsing.HeadDecoding.Mst })
            .Encode(path, Tokenizer(), 64, training: false).Evaluate(model, batchSize: 2);
        Assert.Equal((1.0, 1.0), (mst["uas"], mst["las"]));
    }

    [SharedDataFact]
    public void Qa_prediction_is_the_best_span_over_all_windows_of_a_question()
    {
        using var files = new TempFiles();
        var path = files.Text("qa.json", SofaSquad);
        var data = (TaskData<QaFeature>)new QuestionAnsweringTask(new TaskSettings { DocStride = 4 }).Encode(path, Tokenizer(), maxLength: 24, training: true);
        Assert.True(data.Count > 2);
        // Every window scores a decoy (its first context token) at `decoy` each for start and end; the windows holding
        // the answer score it at 10 each. The answer wins only when it beats the decoys of the other windows.
        EvaluationResult Score(float decoy)
        {
            int next = 0;
            ModelOutput Logits(ModelBatch batch)
            {
                var start = full(batch.InputIds.shape, -20f);
                var end = full(batch.InputIds.shape, -20f);
                for (int b = 0; b < batch.InputIds.shape[0]; b++, next++)
                {
                    var f = data.Examples[next];
                    int first = Enumerable.Range(0, f.Input.Length).First(f.IsContextToken);
                    start[b, first] = tensor(decoy);
                    end[b, first] = tensor(decoy);
                    if (f.StartPosition > 0) { start[b, f.StartPosition] = tensor(10f); end[b, f.EndPosition] = tensor(10f); }
                }
                return new ModelOutput(start, null, end);
            }
            return data.Evaluate(new ScriptedModel(ModelHead.QuestionAnswering, Logits), batchSize: 3);
        }
        var right = Score(decoy: 9f);
        Assert.Equal((1L, 1.0, 1.0), (right.Examples, right["exact_match"], right["f1"]));
        var wrong = Score(decoy: 11f);
        Assert.Equal(0.0, wrong["exact_match"]);
    }

    [SharedDataFact]
    public void Jsonl_integer_labels_index_a_named_label_set_and_stay_text_otherwise()
    {
        using var files = new TempFiles();
        var path = files.Text("sc.jsonl", "{\"text\": \"nice\", \"label\": 1}\n{\"text\": \"cat\", \"label\": 2}\n");
        var named = new SentenceClassificationTask(TaskKind.SequenceClassification, new LabelVocabulary(["negative", "positive", "mixed"]));
        Assert.Equal([1, 2], ((TaskData<ClassifiedExample>)named.Encode(path, Tokenizer(), 64, training: true)).Examples.Select(e => e.Gold));
        // Labels inferred from integer data sort as text ("10" before "2"): the ids stay text, never positions.
        var numeric = new SentenceClassificationTask(TaskKind.SequenceClassification, LabelVocabulary.Infer(["0", "1", "2", "10"]));
        Assert.Equal([1, 3], ((TaskData<ClassifiedExample>)numeric.Encode(path, Tokenizer(), 64, training: true)).Examples.Select(e => e.Gold));
    }

    [SharedDataFact]
    public void Qa_training_windows_point_at_exactly_the_answer_tokens()
    {
        using var files = new TempFiles();
        var path = files.Text("qa.json", SofaSquad);
        const string context = SofaContext;
        var task = new QuestionAnsweringTask(new TaskSettings { DocStride = 4 });
        var data = (TaskData<QaFeature>)task.Encode(path, Tokenizer(), maxLength: 24, training: true);
        // HF's windowing: each window holds the question, 3 special tokens and `room` context tokens, the next one starting
        // room - stride tokens later, until the context is used up.
        int question = Tokenizer().Tokenize("where does the cat sleep?").Count, contextTokens = Tokenizer().Tokenize(context).Count;
        int room = 24 - 3 - question;
        Assert.Equal(1 + (int)Math.Ceiling((contextTokens - room) / (double)(room - 4)), data.Count);
        var holding = data.Examples.Where(f => f.StartPosition > 0).ToList();
        Assert.NotEmpty(holding);
        foreach (var f in holding)
            Assert.Equal("the sofa", context[f.CharStarts[f.StartPosition]..f.CharEnds[f.EndPosition]]);
        // A window that cuts the answer off points at [CLS], as HF labels it.
        Assert.Contains(data.Examples, f => f.StartPosition == 0 && f.EndPosition == 0);
    }
}
