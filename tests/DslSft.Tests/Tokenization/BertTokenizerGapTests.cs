using DslSft.Tests.Infrastructure;
using Microsoft.ML.Tokenizers;

namespace DslSft.Tests.Tokenization;

/// <summary>
/// Pins where Microsoft.ML.Tokenizers' own <c>BertTokenizer</c> (basic tokenization switched on, lower-casing and
/// accent stripping like HF's uncased BERT) departs from HF's slow tokenizer on the fixture. These gaps are why
/// <see cref="DslSft.Tokenization.BertBasicTokenizer"/> ports the Python basic tokenizer and only the WordPiece step
/// is the library's. If a library update closes a gap, this test fails and the list can shrink.
/// </summary>
public class BertTokenizerGapTests
{
    [SharedDataFact]
    public void Library_basic_tokenization_differs_from_HF_exactly_on_these_cases()
    {
        var library = BertTokenizer.Create(SharedData.Fixture("tiny-bert", "vocab.txt"), new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
            IndividuallyTokenizeCjk = true,
        });
        var differing = new List<string>();
        foreach (var c in TokenizerReference.Cases("tiny-bert"))
        {
            var ids = c.Pair is null ? library.EncodeToIds(c.Text) : library.BuildInputsWithSpecialTokens(library.EncodeToIds(c.Text, addSpecialTokens: false), library.EncodeToIds(c.Pair, addSpecialTokens: false));
            if (!ids.SequenceEqual(c.InputIds)) differing.Add($"{c.Name}: {c.Text}");
        }
        // U+200B (a format character) must be deleted, joining "nbsp" and "zwsp"; the library splits there instead.
        Assert.Equal(["tokenizer_only[8]: tab\tnew\nline\u00a0nbsp\u200bzwsp"], differing);
    }

    [Fact]
    public void Library_lower_casing_misses_the_Greek_final_sigma()
    {
        var dir = Directory.CreateTempSubdirectory("dslsft-gap-").FullName;
        try
        {
            // HF: "ΟΔΟΣ".lower() == "οδος" (final ς, id 6); .NET's invariant lower-casing gives "οδοσ" (id 5).
            File.WriteAllText(Path.Combine(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nοδοσ\nοδος\n");
            var library = BertTokenizer.Create(Path.Combine(dir, "vocab.txt"), new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
            var ours = DslSft.Tokenization.TokenizerLoader.FromDirectory(dir);
            Assert.Equal([2, 5, 3], library.EncodeToIds("ΟΔΟΣ"));
            Assert.Equal([2, 6, 3], ours.Encode("ΟΔΟΣ").InputIds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
