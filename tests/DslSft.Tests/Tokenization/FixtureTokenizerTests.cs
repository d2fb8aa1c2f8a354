using DslSft.Tests.Infrastructure;
using DslSft.Tokenization;

namespace DslSft.Tests.Tokenization;

/// <summary>
/// Every sentence of the tiny-bert and tiny-xlmr reference.json (batch, pair_batch and tokenizer_only cases) must
/// get exactly HF's slow tokenizer ids, tokens and token types.
/// </summary>
public class FixtureTokenizerTests
{
    private static readonly Dictionary<string, ITextTokenizer> Tokenizers = new();

    private static ITextTokenizer Load(string fixture)
    {
        lock (Tokenizers)
        {
            if (!Tokenizers.TryGetValue(fixture, out var tokenizer))
                Tokenizers[fixture] = tokenizer = TokenizerLoader.FromDirectory(SharedData.Fixture(fixture));
            return tokenizer;
        }
    }

    public static TheoryData<string, int> AllCases()
    {
        var data = new TheoryData<string, int>();
        if (SharedData.Directory is null) return data;
        foreach (var fixture in new[] { "tiny-bert", "tiny-xlmr" })
            for (var i = 0; i < TokenizerReference.Cases(fixture).Count; i++) data.Add(fixture, i);
        return data;
    }

    [SharedDataTheory]
    [MemberData(nameof(AllCases))]
    public void Encode_matches_the_HF_slow_tokenizer(string fixture, int caseIndex)
    {
        var expected = TokenizerReference.Cases(fixture)[caseIndex];
        var tokenizer = Load(fixture);

        var encoded = tokenizer.Encode(expected.Text, expected.Pair);

        Assert.Equal(expected.InputIds, encoded.InputIds);
        if (expected.Tokens is { } tokens)
        {
            // batch cases list HF's convert_ids_to_tokens(input_ids) (specials included, "<unk>" for unknown pieces);
            // tokenizer_only cases list tokenize(text) (no sequence specials; XLM-R unknown pieces keep their text).
            var actual = tokens.Length == encoded.Length
                ? encoded.InputIds.Select(tokenizer.IdToToken).ToArray()
                : tokenizer.Tokenize(expected.Text).Select(t => t.Text).Concat(expected.Pair is null ? [] : tokenizer.Tokenize(expected.Pair).Select(t => t.Text)).ToArray();
            Assert.Equal(tokens, actual);
        }
        if (expected.TokenTypeIds is { } types) Assert.Equal(types, encoded.TokenTypeIds);
    }

    [SharedDataTheory]
    [InlineData("tiny-bert", "batch")]
    [InlineData("tiny-bert", "pair_batch")]
    [InlineData("tiny-xlmr", "batch")]
    [InlineData("tiny-xlmr", "pair_batch")]
    public void EncodeBatch_pads_like_HF(string fixture, string batchName)
    {
        var tokenizer = Load(fixture);
        var (texts, pairs, ids, mask, types) = TokenizerReference.PaddedBatch(fixture, batchName);

        using var batch = tokenizer.EncodeBatch(texts, pairs);

        Assert.Equal(ids.SelectMany(r => r).ToArray(), batch.InputIds.data<long>().ToArray());
        Assert.Equal(mask.SelectMany(r => r).ToArray(), batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(new long[] { ids.Length, ids[0].Length }, batch.InputIds.shape);
        // XLM-R produces no token_type_ids; the model then uses type 0 everywhere, which is what we pad with.
        var expectedTypes = types?.SelectMany(r => r).ToArray() ?? new long[ids.Length * ids[0].Length];
        Assert.Equal(expectedTypes, batch.TokenTypeIds.data<long>().ToArray());
    }

    [SharedDataFact]
    public void Vocabulary_sizes_match_the_model_configs()
    {
        Assert.Equal(205, Load("tiny-bert").VocabularySize);
        Assert.Equal(252, Load("tiny-xlmr").VocabularySize);
        Assert.Equal(4, Load("tiny-bert").MaskTokenId);
        Assert.Equal(251, Load("tiny-xlmr").MaskTokenId);
        Assert.Equal(1, Load("tiny-xlmr").PadTokenId);
        Assert.Equal(64, Load("tiny-bert").ModelMaxLength);
    }
}
