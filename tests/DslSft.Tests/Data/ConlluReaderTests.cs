using DslSft.Data.Conllu;
using DslSft.Tasks;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Data;

public class ConlluReaderTests
{
    private const string Good =
        "# sent_id = s1\n" +
        "# text = Today's test.\n" +
        "1-2\tToday's\t_\t_\t_\t_\t_\t_\t_\t_\n" +
        "1\tToday\ttoday\tNOUN\tNN\t_\t3\tnmod:poss\t_\t_\n" +
        "2\t's\t's\tPART\tPOS\t_\t1\tcase\t_\t_\n" +
        "2.1\tis\tbe\tAUX\tVBZ\t_\t_\t_\t3:cop\t_\n" +
        "3\ttest\ttest\tNOUN\tNN\t_\t0\troot\t_\tSpaceAfter=No\n" +
        "4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n" +
        "\n";

    [Fact]
    public void Skips_ranges_and_empty_nodes_and_strips_relation_subtypes()
    {
        using var files = new TempFiles();
        var sentence = Assert.Single(ConlluReader.Read(files.Text("a.conllu", Good)));
        Assert.Equal(["Today", "'s", "test", "."], sentence.Tokens.Select(t => t.Form));
        Assert.Equal("Today's test.", sentence.Text);
        Assert.Equal("s1", sentence.SentId);
        var tree = sentence.ToParseTree();
        Assert.Equal([3, 1, 0, 3], tree.Heads);
        Assert.Equal(["nmod", "case", "root", "punct"], tree.Relations);
        Assert.Equal("nmod:poss", sentence.ToParseTree(keepSubtypes: true).Relations[0]);
        Assert.Equal([4L, 5, 7, 8], tree.Lines);
        Assert.Equal(["NOUN", "PART", "NOUN", "PUNCT"], sentence.ToPosTagged().Labels);
    }

    [Fact]
    public void Drops_words_labelled_underscore_for_pos_and_words_without_head_for_parsing()
    {
        using var files = new TempFiles();
        var text = "1\ta\ta\t_\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t_\t_\t_\t_\n3\tc\tc\tVERB\t_\t_\t0\troot\t_\t_\n";
        var sentence = Assert.Single(ConlluReader.Read(files.Text("u.conllu", text)));
        Assert.Equal(["b", "c"], sentence.ToPosTagged().Words);
        Assert.Equal(["a", "c"], sentence.ToParseTree().Words);
    }

    [SharedDataFact]
    public void Reads_english_ewt_dev_completely()
    {
        var sentences = ConlluReader.Read(SharedData.Ud("en_ewt-ud-dev.conllu")).ToList();
        // Counts from the file itself: 2001 "# text" lines; 25147 integer-id word lines (awk).
        Assert.Equal(2001, sentences.Count);
        Assert.Equal(25147, sentences.Sum(s => s.Tokens.Count));
        Assert.All(sentences, s => Assert.NotNull(s.Text));
        var first = sentences[0];
        Assert.Equal("From the AP comes this story :", first.Text);
        Assert.Equal([3, 3, 4, 0, 6, 4, 4], first.ToParseTree().Heads);
        // This sentence starts with the range "1-2 Today's", which is skipped.
        var todays = sentences.Single(s => s.Text == "Today's incident proves that Sharon has lost his patience and his hope in peace.");
        Assert.Equal(["Today", "'s", "incident"], todays.Tokens.Take(3).Select(t => t.Form));
        Assert.Equal("nmod", todays.ToParseTree().Relations[0]);
        Assert.Equal(166, todays.Tokens[0].Line);
        // Every stripped relation is one composable-sft's parser knows, every UPOS a universal tag.
        foreach (var s in sentences)
        {
            s.ToParseTree().RelationIds(UdLabels.Relations);
            s.ToPosTagged().LabelIds(UdLabels.Upos);
        }
    }

    [SharedDataFact]
    public void Reads_maltese_and_german_treebanks()
    {
        Assert.Equal(433, ConlluReader.Read(SharedData.Ud("mt_mudt-ud-dev.conllu")).Count());
        Assert.Equal(799, ConlluReader.Read(SharedData.Ud("de_gsd-ud-dev.conllu")).Count());
    }

    [Fact]
    public void Wrong_column_count_names_file_and_line()
    {
        using var files = new TempFiles();
        var path = files.Text("c.conllu", "# text = a b\n1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\troot\n\n");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:3: expected 10 tab-separated columns, found 8", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Non_integer_head_names_file_and_line()
    {
        using var files = new TempFiles();
        var path = files.Text("h.conllu", "1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\troot\t0\t_\t_\n");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:2: expected an integer head (or _) in column 7, found 'root'", e.Message);
    }

    [Fact]
    public void Head_out_of_range_names_the_word_line()
    {
        using var files = new TempFiles();
        var path = files.Text("r.conllu", "# text = a b\n1\ta\ta\tDET\t_\t_\t5\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\troot\t_\t_\n\n");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:2: head 5 is out of range: the sentence has 2 words (expected 0..2)", e.Message);
    }

    [Fact]
    public void Out_of_order_word_id_is_reported()
    {
        using var files = new TempFiles();
        var path = files.Text("o.conllu", "1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n3\tb\tb\tNOUN\t_\t_\t1\tdep\t_\t_\n");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:2: expected word id 2 in column 1, found 3 (ids must run 1, 2, 3, ... within a sentence)", e.Message);
    }

    [Fact]
    public void Truncated_file_is_reported_as_possibly_truncated()
    {
        using var files = new TempFiles();
        var path = files.Text("t.conllu", "1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNO");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:2: expected 10 tab-separated columns, found 4 (the file may be truncated)", e.Message);
    }

    [Fact]
    public void Invalid_utf8_names_line_and_column()
    {
        using var files = new TempFiles();
        var bytes = "1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n2\tb"u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\tb\tX\t_\t_\t1\tdep\t_\t_\n"u8.ToArray()).ToArray();
        var path = files.Bytes("e.conllu", bytes);
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:2: invalid UTF-8 (byte 0xC3 at column 4); the file must be UTF-8 encoded", e.Message);
    }

    [Fact]
    public void Unknown_relation_is_reported_at_its_line()
    {
        using var files = new TempFiles();
        var path = files.Text("l.conllu", "1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\tbogus:x\t_\t_\n");
        var tree = ConlluReader.Read(path).Single().ToParseTree();
        var e = Assert.Throws<InvalidInputException>(() => tree.RelationIds(UdLabels.Relations));
        Assert.StartsWith($"{path}:2: unknown label 'bogus' (expected one of: _, acl, advcl,", e.Message);
    }

    [Fact]
    public void Non_integer_word_id_names_file_and_line()
    {
        using var files = new TempFiles();
        var path = files.Text("i.conllu", "# text = a b\n1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\ntwo\tb\tb\tNOUN\t_\t_\t0\troot\t_\t_\n");
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(path).ToList());
        Assert.Equal($"{path}:3: expected an integer word id in column 1, found 'two'", e.Message);
    }

    [Fact]
    public void Unknown_upos_tag_gives_the_exact_message_at_its_line()
    {
        using var files = new TempFiles();
        var path = files.Text("p.conllu", "1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\troot\t_\t_\n\n1\tc\tc\tNN\t_\t_\t0\troot\t_\t_\n");
        var sentences = ConlluReader.Read(path).Select(s => s.ToPosTagged()).ToList();
        sentences[0].LabelIds(UdLabels.Upos);
        var e = Assert.Throws<InvalidInputException>(() => sentences[1].LabelIds(UdLabels.Upos));
        Assert.Equal($"{path}:4: unknown label 'NN' (expected one of: ADJ, ADP, ADV, AUX, CCONJ, DET, INTJ, NOUN, NUM, PART, PRON, PROPN, PUNCT, SCONJ, SYM, VERB, X)", e.Message);
    }

    [Fact]
    public void Utf16_files_are_reported_as_the_wrong_encoding()
    {
        using var files = new TempFiles();
        const string text = "1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n";
        var withBom = files.Bytes("bom.conllu", System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes(text)).ToArray());
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(withBom).ToList());
        Assert.Equal($"{withBom}:1: the file is UTF-16 encoded (byte-order mark 0xFF 0xFE); it must be UTF-8", e.Message);
        // Without a byte-order mark UTF-16 is valid UTF-8 byte for byte, with a NUL after every ASCII character.
        var bare = files.Bytes("bare.conllu", System.Text.Encoding.Unicode.GetBytes(text));
        e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read(bare).ToList());
        Assert.Equal($"{bare}:1: NUL byte at column 2: this is not a text file (UTF-16 or binary?); it must be UTF-8", e.Message);
    }

    [Fact]
    public void Missing_file_is_an_input_error()
    {
        var e = Assert.Throws<InvalidInputException>(() => ConlluReader.Read("/nonexistent/x.conllu").ToList());
        Assert.Equal("/nonexistent/x.conllu: file not found", e.Message);
    }

    [Fact]
    public void Crlf_line_ends_and_bom_are_accepted()
    {
        using var files = new TempFiles();
        var path = files.Bytes("w.conllu", [0xEF, 0xBB, 0xBF, .. "# text = a\r\n1\ta\ta\tX\t_\t_\t0\troot\t_\t_\r\n\r\n"u8.ToArray()]);
        var sentence = Assert.Single(ConlluReader.Read(path));
        Assert.Equal("a", sentence.Text);
        Assert.Equal("_", sentence.Tokens[0].Misc);
    }
}
