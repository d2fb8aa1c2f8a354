using DslSft.Data.Mlm;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

public class MlmCollatorTests
{
    private const long Vocabulary = 1000, Cls = 1, Sep = 2, Pad = 0, Mask = 3;

    private static MlmCollator Collator(long seed = 1) => new(Vocabulary, Mask, Pad, new[] { Cls, Sep }, seed);

    private static List<long[]> Sequences(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var length = random.Next(20, 60);
            return new[] { Cls }.Concat(Enumerable.Range(0, length).Select(_ => (long)random.Next(10, (int)Vocabulary))).Append(Sep).ToArray();
        }).ToList();
    }

    [Fact]
    public void MasksFifteenPercentWithEightyTenTenAndNeverSpecialTokens()
    {
        var sequences = Sequences(400, seed: 3);
        var batch = Collator().Collate(sequences);
        var original = torch.full(batch.InputIds.shape, Pad, ScalarType.Int64);
        for (var b = 0; b < sequences.Count; b++)
            original[b].narrow(0, 0, sequences[b].Length).copy_(torch.tensor(sequences[b]));

        var chosen = batch.Labels.ne(MlmBatch.IgnoreIndex);
        var special = original.eq(Cls).logical_or(original.eq(Sep)).logical_or(original.eq(Pad));
        Assert.False(chosen.logical_and(special).any().item<bool>(), "a special or padding token was chosen");
        Assert.True(batch.Labels.masked_select(chosen).equal(original.masked_select(chosen)).all().item<bool>(), "labels must be the original ids");
        Assert.True(batch.InputIds.masked_select(chosen.logical_not()).equal(original.masked_select(chosen.logical_not())).all().item<bool>(), "unchosen tokens must be unchanged");
        Assert.True(batch.AttentionMask.eq(special.logical_not().logical_or(original.eq(Cls)).logical_or(original.eq(Sep)).to(ScalarType.Int64)).all().item<bool>());

        double eligible = special.logical_not().sum().item<long>();
        double picked = chosen.sum().item<long>();
        Assert.InRange(picked / eligible, 0.14, 0.16);  // ≈ 16k eligible tokens: 0.15 ± 6σ
        var asMask = batch.InputIds.eq(Mask).logical_and(chosen).sum().item<long>() / picked;
        var kept = batch.InputIds.eq(original).logical_and(chosen).sum().item<long>() / picked;
        Assert.InRange(asMask, 0.76, 0.84);
        Assert.InRange(kept, 0.08, 0.12 + 0.001);
    }

    [Fact]
    public void EvaluationMaskingIsTheSameEveryTimeButTrainingMaskingVaries()
    {
        var sequences = Sequences(8, seed: 4);
        var collator = Collator(seed: 7);
        var e1 = collator.CollateForEvaluation(sequences);
        collator.Collate(sequences);
        var e2 = Collator(seed: 7).CollateForEvaluation(sequences);
        Assert.True(e1.InputIds.equal(e2.InputIds).all().item<bool>());
        Assert.True(e1.Labels.equal(e2.Labels).all().item<bool>());
        var t1 = collator.Collate(sequences);
        var t2 = collator.Collate(sequences);
        Assert.False(t1.Labels.equal(t2.Labels).all().item<bool>());
    }

    [Fact]
    public void RejectsIdsOutsideTheVocabulary()
    {
        var error = Assert.Throws<ArgumentException>(() => Collator().Collate(new[] { new long[] { Cls, 5000, Sep } }));
        Assert.Contains("position 1", error.Message);
    }
}
