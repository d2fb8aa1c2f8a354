using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using DslSft.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Sft;

/// <summary>Apply / revert / compose / merge on tiny-bert, against composable-sft's own results.</summary>
public class SftApplyTests
{
    [SharedDataFact]
    public void Lang_sft_applied_to_the_tied_mlm_model_gives_the_expected_weights_bitwise()
    {
        var model = SftFixtures.TinyBert(tied: true);
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm"));
        SftOperations.Apply(sft, model);

        var expected = SftFixtures.Expected("lang-mlm");
        foreach (var (name, value) in expected)
            Assert.True(SftFixtures.BitwiseEqual(value, model[name]), $"'{name}' differs from composable-sft's result");
        // The decoder is the word-embedding tensor: the embedding diff reaches the MLM output layer too.
        Assert.True(SftFixtures.BitwiseEqual(expected["bert.embeddings.word_embeddings.weight"], model["cls.predictions.decoder.weight"]));
        Assert.True(SftFixtures.BitwiseEqual(expected["cls.predictions.bias"], model["cls.predictions.decoder.bias"]));
    }

    [SharedDataFact]
    public void Task_sft_applied_to_the_token_classifier_gives_the_expected_weights_bitwise()
    {
        var model = SftFixtures.TinyBertTokenClassifier();
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls"));
        var applied = SftOperations.Apply(sft, model);

        var expected = SftFixtures.Expected("task-tokcls");
        foreach (var (name, value) in expected)
            Assert.True(SftFixtures.BitwiseEqual(value, model[name]), $"'{name}' differs from composable-sft's result");
        Assert.Equal(500 - 0, applied.DiffEntryCount);
        Assert.Equal(["classifier.weight", "classifier.bias"], applied.AbsTensors);
    }

    [SharedDataTheory]
    [InlineData("lang-mlm")]
    [InlineData("task-tokcls")]
    public void Apply_then_revert_restores_every_parameter_bit_for_bit(string fixture)
    {
        var model = fixture == "lang-mlm" ? SftFixtures.TinyBert() : SftFixtures.TinyBertTokenClassifier();
        var before = SftFixtures.Clone(model);
        var applied = SftOperations.Apply(ComposableSftFile.Import(SftFixtures.DiffFile(fixture)), model);
        Assert.Contains(model, kv => !SftFixtures.BitwiseEqual(kv.Value, before[kv.Key]));

        applied.Revert();
        SftFixtures.AssertBitwiseEqual(before, model);
        Assert.True(applied.IsReverted);
        Assert.Throws<InvalidOperationException>(applied.Revert);

        // The SFT itself is untouched by apply/revert: applying it again gives the same weights again.
        var after = SftFixtures.Clone(model);
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile(fixture));
        var first = SftOperations.Apply(sft, model);
        var once = SftFixtures.Clone(model);
        first.Revert();
        SftOperations.Apply(sft, model).Revert();
        SftFixtures.AssertBitwiseEqual(after, model);
        var second = SftOperations.Apply(sft, model);
        SftFixtures.AssertBitwiseEqual(once, model);
        second.Revert();
    }

    [Fact]
    public void Revert_is_exact_where_subtracting_the_diff_would_not_be()
    {
        // 1 + 1e-8 rounds to 1 in float32, so x + d - d gives 0.99999999 ≠ x for x = 1 - tiny; the saved originals do not.
        var target = tensor(new[] { 1f, 0.1f, -3f, 7.5e-8f });
        var model = new Dictionary<string, Tensor> { ["w"] = target };
        var sft = new SparseFineTuning(new Dictionary<string, SparseDiff> { ["w"] = SparseDiff.FromArrays([4], [0, 1, 3], [3e-8f, 0.3f, 1e-3f]) }, new Dictionary<string, Tensor>());
        var before = target.clone();
        var naive = target.clone().index_put_(tensor(new[] { 3e-8f, 0.3f, 1e-3f }), [tensor(new long[] { 0, 1, 3 })], accumulate: true)
            .index_put_(tensor(new[] { -3e-8f, -0.3f, -1e-3f }), [tensor(new long[] { 0, 1, 3 })], accumulate: true);
        Assert.False(SftFixtures.BitwiseEqual(before, naive)); // the naive undo really is lossy here

        var applied = SftOperations.Apply(sft, model);
        applied.Revert();
        Assert.True(SftFixtures.BitwiseEqual(before, target));
    }

    [SharedDataFact]
    public void Composing_sfts_with_disjoint_support_commutes_and_equals_sequential_apply()
    {
        var full = ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm"));
        var (first, second) = SplitByParity(full);

        var ab = SftFixtures.TinyBert();
        SftOperations.Compose([first, second], ab);
        var ba = SftFixtures.TinyBert();
        SftOperations.Compose([second, first], ba);
        SftFixtures.AssertBitwiseEqual(ab.Where(kv => !kv.Key.StartsWith("cls.predictions.decoder")).ToDictionary(),
                                       ba.Where(kv => !kv.Key.StartsWith("cls.predictions.decoder")).ToDictionary());

        // Disjoint supports: one fp32 add per entry either way, so the result is composable-sft's, bitwise.
        var expected = SftFixtures.Expected("lang-mlm");
        foreach (var (name, value) in expected) Assert.True(SftFixtures.BitwiseEqual(value, ab[name]), name);
    }

    [SharedDataFact]
    public void Merge_equals_fused_compose_bitwise_and_sequential_apply_within_rounding()
    {
        var lang = ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm"));
        var task = ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls"));
        var options = new SftApplyOptions { SkipMissingAbs = true };

        var composed = SftFixtures.TinyBertTokenClassifier();
        SftOperations.Compose([lang, task], composed, options);

        var merged = SftOperations.Merge([lang, task]);
        var viaMerge = SftFixtures.TinyBertTokenClassifier();
        SftOperations.Apply(merged, viaMerge, options);
        SftFixtures.AssertBitwiseEqual(composed, viaMerge);

        var sequential = SftFixtures.TinyBertTokenClassifier();
        SftOperations.Apply(lang, sequential, options);
        SftOperations.Apply(task, sequential, options);
        int overlapping = 0;
        foreach (var (name, value) in composed)
        {
            Assert.True(value.allclose(sequential[name], rtol: 0, atol: 1e-6), name);
            if (!SftFixtures.BitwiseEqual(value, sequential[name])) overlapping++;
        }
        // Merged support is the union; where both SFTs touch an entry the values were summed.
        var langIdx = lang.Diffs.ToDictionary(kv => kv.Key, kv => kv.Value.ToArrays().Indices.ToHashSet());
        long shared = task.Diffs.Sum(kv => kv.Value.ToArrays().Indices.Count(i => langIdx[kv.Key].Contains(i)));
        Assert.Equal(1000 - shared, merged.NonZeroCount);
        Assert.Equal(merged.NonZeroCount, merged.Metadata.K);
        Assert.Equal("merged", merged.Metadata.Method);
        Assert.True(overlapping <= shared);
        Assert.Equal(task.Abs.Keys.Concat(lang.Abs.Keys).Order(), merged.Abs.Keys.Order());
    }

    [SharedDataFact]
    public void Compose_then_revert_restores_the_model()
    {
        var lang = ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm"));
        var task = ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls"));
        var model = SftFixtures.TinyBertTokenClassifier();
        var before = SftFixtures.Clone(model);
        var applied = SftOperations.Compose([lang, task], model, new SftApplyOptions { SkipMissingAbs = true });
        Assert.Equal(["classifier.weight", "classifier.bias"], applied.AbsTensors);
        applied.Revert();
        SftFixtures.AssertBitwiseEqual(before, model);
    }

    [SharedDataFact]
    public void Abs_tensors_the_model_lacks_are_an_error_unless_skipped_or_disabled()
    {
        var lang = ComposableSftFile.Import(SftFixtures.DiffFile("lang-mlm"));
        var model = SftFixtures.TinyBertTokenClassifier();
        var before = SftFixtures.Clone(model);
        var error = Assert.Throws<InvalidInputException>(() => SftOperations.Apply(lang, model));
        Assert.Contains("cls.predictions.bias", error.Message);
        SftFixtures.AssertBitwiseEqual(before, model); // checked before anything changed

        SftOperations.Apply(lang, model, new SftApplyOptions { WithAbs = false }).Revert();
        SftFixtures.AssertBitwiseEqual(before, model);
    }

    [SharedDataFact]
    public void Shape_and_name_mismatches_name_the_tensor_and_leave_the_model_untouched()
    {
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls"));
        var model = SftFixtures.TinyBertTokenClassifier();
        model["classifier.weight"] = zeros(3, 32);
        var before = SftFixtures.Clone(model);
        var shape = Assert.Throws<InvalidInputException>(() => SftOperations.Apply(sft, model));
        Assert.Contains("'classifier.weight'", shape.Message);
        Assert.Contains("[5, 32]", shape.Message);
        Assert.Contains("[3, 32]", shape.Message);
        SftFixtures.AssertBitwiseEqual(before, model);

        model.Remove("bert.encoder.layer.1.output.dense.weight");
        var missing = Assert.Throws<InvalidInputException>(() => SftOperations.Apply(sft, model));
        Assert.Contains("'bert.encoder.layer.1.output.dense.weight' is not a parameter of the model", missing.Message);
    }

    [SharedDataFact]
    public void An_sft_for_another_base_model_is_refused()
    {
        var model = SftFixtures.TinyBertTokenClassifier();
        var sft = ComposableSftFile.Import(SftFixtures.DiffFile("task-tokcls"));
        var bound = sft.WithMetadata(sft.Metadata with { BaseModel = "tiny-bert", BaseModelChecksum = ModelChecksum.ForSft(model, sft) });
        SftOperations.Apply(bound, model).Revert(); // the right base passes

        var other = SftFixtures.Clone(model);
        other["bert.encoder.layer.0.intermediate.dense.weight"].index_put_(tensor(0.5f), [tensor(new long[] { 3 }), tensor(new long[] { 4 })]);
        var error = Assert.Throws<InvalidInputException>(() => SftOperations.Apply(bound, other));
        Assert.Contains("another base model 'tiny-bert'", error.Message);

        // Explicitly opting out (an SFT already applied on top, for example) is possible.
        SftOperations.Apply(bound, other, new SftApplyOptions { VerifyBaseModel = false }).Revert();
    }

    [Fact]
    public void In_memory_diffs_with_duplicate_or_out_of_range_indices_are_rejected_before_any_change()
    {
        var model = new Dictionary<string, Tensor> { ["w"] = zeros(2, 3) };
        static SparseFineTuning Sft(long[] indices) => new(
            new Dictionary<string, SparseDiff> { ["w"] = SparseDiff.FromArrays([2, 3], indices, indices.Select(_ => 1f).ToArray()) },
            new Dictionary<string, Tensor>());
        Assert.Contains("not strictly increasing", Assert.Throws<InvalidInputException>(() => SftOperations.Apply(Sft([1, 4, 4]), model)).Message);
        Assert.Contains("outside", Assert.Throws<InvalidInputException>(() => SftOperations.Apply(Sft([0, 6]), model)).Message);
        Assert.True(model["w"].eq(0).all().item<bool>());
        SftOperations.Apply(Sft([0, 5]), model);
        Assert.Equal(new[] { 1f, 0, 0, 0, 0, 1f }, model["w"].data<float>().ToArray());
    }

    /// <summary>Splits an SFT's diff entries into two disjoint SFTs (even / odd positions); abs go to the second.</summary>
    private static (SparseFineTuning, SparseFineTuning) SplitByParity(SparseFineTuning sft)
    {
        var even = new Dictionary<string, SparseDiff>();
        var odd = new Dictionary<string, SparseDiff>();
        foreach (var (name, diff) in sft.Diffs)
        {
            var (idx, val) = diff.ToArrays();
            even[name] = SparseDiff.FromArrays(diff.Shape, idx.Where((_, i) => i % 2 == 0).ToArray(), val.Where((_, i) => i % 2 == 0).ToArray());
            odd[name] = SparseDiff.FromArrays(diff.Shape, idx.Where((_, i) => i % 2 == 1).ToArray(), val.Where((_, i) => i % 2 == 1).ToArray());
        }
        return (new SparseFineTuning(even, new Dictionary<string, Tensor>()), new SparseFineTuning(odd, sft.Abs));
    }
}
