using DslSft.Data.Ner;
using DslSft.Metrics;

namespace DslSft.Tests.Data;

public class ConllNerReaderTests
{
    [Fact]
    public void Reads_conll2003_layout_skipping_docstart()
    {
        using var files = new TempFiles();
        var path = files.Text("en.txt",
            "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n");
        var sentences = ConllNerReader.Read(path).ToList();
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["EU", "rejects", "German"], sentences[0].Words);
        Assert.Equal(["B-ORG", "O", "B-MISC"], sentences[0].Labels);
        Assert.Equal([3L, 4, 5], sentences[0].Lines);
        Assert.Equal(["B-PER", "I-PER"], sentences[1].Labels);
    }

    [Fact]
    public void Masakhaner_mapping_turns_date_and_misc_into_O()
    {
        using var files = new TempFiles();
        var path = files.Text("hau.txt", "Ranar B-DATE\nLitinin I-DATE\nAbuja B-LOC\nKano B-MISC\n");
        var sentence = ConllNerReader.Read(path, NerReadOptions.MasakhaNer).Single();
        Assert.Equal(["O", "O", "B-LOC", "O"], sentence.Labels);
    }

    [Fact]
    public void Iob1_input_is_converted_to_iob2()
    {
        using var files = new TempFiles();
        // IOB1: I- opens entities; B- only separates adjacent entities of one type.
        var path = files.Text("iob1.txt", "a I-PER\nb I-PER\nc B-PER\nd O\ne I-LOC\nf I-ORG\n");
        var sentence = ConllNerReader.Read(path, new NerReadOptions { Scheme = TagScheme.Iob1 }).Single();
        Assert.Equal(["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"], sentence.Labels);
    }

    [Fact]
    public void Iob2_i_without_b_is_kept_and_opens_an_entity_as_seqeval_reads_it()
    {
        using var files = new TempFiles();
        var path = files.Text("i.txt", "Peter I-PER\nBlackburn I-PER\nin O\nBerlin I-LOC\n");
        var sentence = ConllNerReader.Read(path).Single();
        Assert.Equal(["I-PER", "I-PER", "O", "I-LOC"], sentence.Labels);
        Assert.Equal([new EntitySpan("PER", 0, 1), new EntitySpan("LOC", 3, 3)], EntityChunker.Chunks(sentence.Labels.ToArray()));
    }

    [Fact]
    public void Iob1_adjacent_entities_of_one_type_stay_two_entities()
    {
        using var files = new TempFiles();
        // CoNLL-2003 IOB1: "B-PER" after an I-PER starts a second, adjacent person.
        var path = files.Text("adj.txt", "Peter I-PER\nPaul B-PER\nMary I-PER\nleft O\n");
        var sentence = ConllNerReader.Read(path, new NerReadOptions { Scheme = TagScheme.Iob1 }).Single();
        Assert.Equal(["B-PER", "B-PER", "I-PER", "O"], sentence.Labels);
        var score = new SpanF1();
        score.Add(sentence.Labels, ["B-PER", "I-PER", "I-PER", "O"]);
        // Gold: Peter | Paul Mary; predicted: one entity over all three. Nothing matches: P = 0/1, R = 0/2.
        Assert.Equal((2L, 1L, 0L), (score.GoldCount, score.PredictedCount, score.CorrectCount));
    }

    [Fact]
    public void Invalid_utf8_names_its_line()
    {
        using var files = new TempFiles();
        var path = files.Bytes("u.txt", [.. "a O\nb"u8.ToArray(), 0xFF, .. " O\n"u8.ToArray()]);
        var e = Assert.Throws<InvalidInputException>(() => ConllNerReader.Read(path).ToList());
        Assert.Equal($"{path}:2: invalid UTF-8 (byte 0xFF at column 2); the file must be UTF-8 encoded", e.Message);
    }

    [Fact]
    public void Bad_tag_names_file_line_and_what_was_expected()
    {
        using var files = new TempFiles();
        var path = files.Text("bad.txt", "a O\nb PERSON\n");
        var e = Assert.Throws<InvalidInputException>(() => ConllNerReader.Read(path).ToList());
        Assert.Equal($"{path}:2: expected a tag O, B-TYPE or I-TYPE in the last column, found 'PERSON'", e.Message);
    }

    [Fact]
    public void Line_with_one_column_is_an_error()
    {
        using var files = new TempFiles();
        var path = files.Text("one.txt", "a O\n\nb\n");
        var e = Assert.Throws<InvalidInputException>(() => ConllNerReader.Read(path).ToList());
        Assert.Equal($"{path}:3: expected a word and a tag separated by whitespace, found 1 column", e.Message);
    }

    [Fact]
    public void Truncated_last_line_is_flagged()
    {
        using var files = new TempFiles();
        var path = files.Text("t.txt", "a O\nb");
        var e = Assert.Throws<InvalidInputException>(() => ConllNerReader.Read(path).ToList());
        Assert.Equal($"{path}:2: expected a word and a tag separated by whitespace, found 1 column (the file may be truncated)", e.Message);
    }

    [Fact]
    public void A_tag_outside_the_label_set_is_reported_at_its_line()
    {
        using var files = new TempFiles();
        var path = files.Text("x.txt", "Abuja B-LOC\nKano B-DATE\n");
        var labels = new DslSft.Tasks.LabelVocabulary(["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]);
        var sentence = ConllNerReader.Read(path).Single();
        var e = Assert.Throws<InvalidInputException>(() => sentence.LabelIds(labels));
        Assert.Equal($"{path}:2: unknown label 'B-DATE' (expected one of: O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC)", e.Message);
    }
}
