using DslSft.Data.Classification;
using DslSft.Tasks;

namespace DslSft.Tests.Data;

public class SentencePairReaderTests
{
    [Fact]
    public void Reads_xnli_style_tsv_by_header_names()
    {
        using var files = new TempFiles();
        var path = files.Text("dev.tsv", "language\tgold_label\tsentence1\tsentence2\nde\tentailment\tEin Mann.\tJemand.\nde\tcontradiction\tA \"quoted\" text\tB\n");
        var examples = SentencePairReader.Read(path).ToList();
        Assert.Equal(2, examples.Count);
        Assert.Equal(("Ein Mann.", "Jemand.", "entailment", 2L), (examples[0].Premise, examples[0].Hypothesis, examples[0].Label, examples[0].Line));
        Assert.Equal("A \"quoted\" text", examples[1].Premise);
    }

    [Fact]
    public void Reads_jsonl_with_integer_labels_through_a_label_list()
    {
        using var files = new TempFiles();
        var path = files.Text("dev.jsonl", "{\"premise\": \"p1\", \"hypothesis\": \"h1\", \"label\": 2}\n\n{\"premise\": \"p2\", \"hypothesis\": \"h2\", \"label\": \"neutral\"}\n");
        var options = new SentencePairReadOptions { LabelNamesById = ["entailment", "neutral", "contradiction"] };
        var examples = SentencePairReader.Read(path, options).ToList();
        Assert.Equal(["contradiction", "neutral"], examples.Select(e => e.Label));
        Assert.Equal([1L, 3], examples.Select(e => e.Line));
    }

    [Fact]
    public void Single_sentence_classification_has_no_hypothesis()
    {
        using var files = new TempFiles();
        var path = files.Text("sa.jsonl", "{\"text\": \"great\", \"label\": \"positive\"}\n");
        var example = SentencePairReader.Read(path).Single();
        Assert.Null(example.Hypothesis);
        Assert.Equal("great", example.Premise);
    }

    [Fact]
    public void Wrong_column_count_names_line()
    {
        using var files = new TempFiles();
        var path = files.Text("x.tsv", "premise\thypothesis\tlabel\na\tb\tentailment\na\tb\n");
        var e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(path).ToList());
        Assert.Equal($"{path}:3: expected 3 tab-separated columns (as in the header), found 2", e.Message);
    }

    [Fact]
    public void Missing_label_column_is_reported_on_the_header()
    {
        using var files = new TempFiles();
        var path = files.Text("x.tsv", "premise\thypothesis\na\tb\n");
        var e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(path).ToList());
        Assert.Equal($"{path}:1: expected a label column named one of: label, gold_label; found: premise, hypothesis", e.Message);
    }

    [Fact]
    public void A_required_hypothesis_must_be_present()
    {
        using var files = new TempFiles();
        var options = new SentencePairReadOptions { RequireHypothesis = true };
        var tsv = files.Text("p.tsv", "premise\tlabel\na\tneutral\n");
        var e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(tsv, options).ToList());
        Assert.Equal($"{tsv}:1: expected a second-text column named one of: hypothesis, sentence2, text_b; found: premise, label", e.Message);
        var jsonl = files.Text("p.jsonl", "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": \"x\"}\n{\"premise\": \"c\", \"label\": \"x\"}\n");
        e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(jsonl, options).ToList());
        Assert.Equal($"{jsonl}:2: expected a field named one of: hypothesis, sentence2, text_b", e.Message);
    }

    [Fact]
    public void Broken_json_line_is_reported_with_its_line()
    {
        using var files = new TempFiles();
        var path = files.Text("x.jsonl", "{\"premise\": \"a\", \"label\": \"x\"}\n{\"premise\": \"a\", \"lab");
        var e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(path).ToList());
        Assert.StartsWith($"{path}:2: expected one JSON object per line:", e.Message);
        Assert.EndsWith("(the file may be truncated)", e.Message);
    }

    [Fact]
    public void Label_id_out_of_range_is_reported()
    {
        using var files = new TempFiles();
        var path = files.Text("x.jsonl", "{\"premise\": \"a\", \"label\": 3}\n");
        var e = Assert.Throws<InvalidInputException>(() => SentencePairReader.Read(path, new SentencePairReadOptions { LabelNamesById = ["a", "b"] }).ToList());
        Assert.Equal($"{path}:1: label id 3 is out of range (expected 0..1 for labels a, b)", e.Message);
    }

    [Fact]
    public void Labels_are_inferred_sorted_or_read_from_a_file()
    {
        using var files = new TempFiles();
        var path = files.Text("x.jsonl", "{\"premise\": \"a\", \"label\": \"neutral\"}\n{\"premise\": \"b\", \"label\": \"contradiction\"}\n{\"premise\": \"c\", \"label\": \"neutral\"}\n");
        var inferred = LabelVocabulary.Infer(SentencePairReader.Read(path).Select(e => e.Label!));
        Assert.Equal(["contradiction", "neutral"], inferred.Labels);
        var fromFile = LabelVocabulary.Load(files.Text("labels.json", "[\"entailment\", \"neutral\", \"contradiction\"]"));
        Assert.Equal(2, fromFile.IdOf("contradiction"));
        Assert.Equal(["a", "b"], LabelVocabulary.Load(files.Text("labels.txt", "a\n\nb\n")).Labels);
        var e = Assert.Throws<InvalidInputException>(() => LabelVocabulary.Load(files.Text("dup.txt", "a\nb\na\n")));
        Assert.Equal($"{files.PathOf("dup.txt")}: label 'a' appears more than once", e.Message);
    }
}
