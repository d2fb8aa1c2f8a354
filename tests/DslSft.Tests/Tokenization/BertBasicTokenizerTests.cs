using DslSft.Tests.Infrastructure;
using DslSft.Tokenization;

namespace DslSft.Tests.Tokenization;

/// <summary>The Python-specific behaviours of HF's BasicTokenizer, against the fixture's basic_tokens and known Python results.</summary>
public class BertBasicTokenizerTests
{
    [SharedDataFact]
    public void Basic_tokens_match_the_fixture()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("tiny-bert", "reference.json")));
        var neverSplit = new HashSet<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        var basic = new BertBasicTokenizer(lowerCase: true, neverSplit: neverSplit);
        var checkedCases = 0;
        foreach (var c in doc.RootElement.GetProperty("tokenizer_only").EnumerateArray())
        {
            if (!c.TryGetProperty("basic_tokens", out var expected)) continue;
            Assert.Equal(expected.EnumerateArray().Select(e => e.GetString()!), basic.Tokenize(c.GetProperty("text").GetString()!));
            checkedCases++;
        }
        Assert.True(checkedCases >= 10);
    }

    [Theory]
    [InlineData("ΟΔΟΣ", "οδος")]             // final sigma at the end of a word
    [InlineData("ΣΟΦΟΣ ΣΟΦΟΣ", "σοφος σοφος")] // initial sigma stays σ
    [InlineData("Σ", "σ")]                   // no cased letter before: not final
    [InlineData("ΑΣ'Α", "ασ'α")]             // a cased letter follows across the case-ignorable ': not final
    [InlineData("ΑΣ.", "ας.")]               // only case-ignorable characters follow: final
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("Straße", "straße")]
    [InlineData("ĦOBŻ", "ħobż")]
    public void Python_lower_is_reproduced(string text, string expected)
        => Assert.Equal(expected, PythonCaseMapping.Lower(text));

    [Theory]
    [InlineData("$5+3=8 a^b|c~d `e`", new[] { "$", "5", "+", "3", "=", "8", "a", "^", "b", "|", "c", "~", "d", "`", "e", "`" })]
    [InlineData("日本語テキスト", new[] { "日", "本", "語", "テキスト" })]
    [InlineData("e\u0301t\u00e9", new[] { "ete" })]
    [InlineData("a\u0000b\ufffdc\u200bd", new[] { "abcd" })]
    [InlineData("x\u00a0y\u2003z", new[] { "x", "y", "z" })]
    public void Splitting_and_cleanup_follow_Python(string text, string[] expected) =>
        Assert.Equal(expected, new BertBasicTokenizer(lowerCase: true).Tokenize(text));

    [Fact]
    public void Cased_tokenizer_keeps_case_and_accents()
    {
        Assert.Equal(["Café", "ΟΔΟΣ", "!"], new BertBasicTokenizer(lowerCase: false).Tokenize("Café ΟΔΟΣ!"));
        Assert.Equal(["Cafe"], new BertBasicTokenizer(lowerCase: false, stripAccents: true).Tokenize("Café"));
        Assert.Equal(["café"], new BertBasicTokenizer(lowerCase: true, stripAccents: false).Tokenize("Café"));
    }
}
