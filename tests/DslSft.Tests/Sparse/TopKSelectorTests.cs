using DslSft.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Sparse;

public class TopKSelectorTests
{
    private static TensorPair[] RandomModel(int seed, params long[][] shapes)
    {
        var g = new Generator((ulong)seed);
        return shapes.Select((shape, t) =>
        {
            var initial = randn(shape, generator: g);
            return new TensorPair($"layer{t}.weight", initial + 0.01f * randn(shape, generator: g), initial);
        }).ToArray();
    }

    [Fact]
    public void Matches_torch_topk_on_distinct_values()
    {
        var model = RandomModel(1, [64, 32], [32], [10, 3, 7], [1000]);
        foreach (var k in new long[] { 1, 17, 500, 3000 })
            Assert.Equal(SelectionReference.TopKWithTorchTopk(model, k), SelectionReference.ToArrays(TopKSelector.Select(model, k)));
    }

    [Fact]
    public void Breaks_ties_by_tensor_then_flat_index()
    {
        // Values in {0, 0.5, 1, 1.5}: nearly every k cuts through a tie.
        var g = new Generator(2);
        var model = new[] { 300L, 250, 400 }.Select((n, t) =>
            new TensorPair($"t{t}", randint(0, 4, n, generator: g).to(float32) * 0.5f, zeros(n))).ToArray();
        for (long k = 0; k <= 950; k += 95)
            Assert.Equal(SelectionReference.TopK(model, k), SelectionReference.ToArrays(TopKSelector.Select(model, k)));
    }

    [Fact]
    public void Never_selects_excluded_entries()
    {
        var model = RandomModel(3, [50, 40], [300], [0], [123]);
        var g = new Generator(4);
        var excluded = model.Select(p => (Tensor?)randperm(p.Current.numel(), generator: g)[..(int)(p.Current.numel() / 3)].sort().Values).ToArray();
        excluded[2] = null;
        // Make the excluded entries the biggest changes, so any leak shows.
        for (int t = 0; t < model.Length; t++)
            if (excluded[t] is { } e && e.numel() > 0) model[t].Current.view(-1).index_put_(model[t].Initial!.view(-1)[e] + 100f, e);
        long eligible = model.Sum(p => p.Current.numel()) - excluded.Sum(e => e?.numel() ?? 0);
        foreach (var k in new[] { 0, 1, 100, eligible - 1, eligible })
            Assert.Equal(SelectionReference.TopK(model, k, excluded), SelectionReference.ToArrays(TopKSelector.Select(model, k, excluded)));
    }

    [Fact]
    public void Ranks_the_magnitude_itself_without_initial_values()
    {
        var values = tensor(new float[] { 0.5f, -3f, 2f, -0.1f, 3f });
        var selected = TopKSelector.Select([new TensorPair("w", values)], 3);
        Assert.Equal(new long[] { 1, 2, 4 }, selected[0].data<long>().ToArray());
    }

    [Fact]
    public void Returns_one_sorted_list_per_tensor_even_when_empty()
    {
        var model = RandomModel(5, [0], [20], [0]);
        var selected = TopKSelector.Select(model, 20);
        Assert.Equal(3, selected.Length);
        Assert.Equal(0, selected[0].numel());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), selected[1].data<long>().ToArray());
        Assert.All(TopKSelector.Select(model, 0), s => Assert.Equal(0, s.numel()));
        Assert.Empty(TopKSelector.Select([], 0));
    }

    [Fact]
    public void Reports_two_passes_and_histogram_sized_scratch_in_the_usual_case()
    {
        var model = RandomModel(8, [300, 200], [5000]);
        TopKSelector.Select(model, 1000);
        var (scratch, passes) = TopKSelector.LastCallStatistics();
        Assert.Equal(2, passes);
        Assert.InRange(scratch, 1, 8L << 20);  // histograms + candidates, independent of N
        TopKSelector.Select(model, 0);
        Assert.Equal((0L, 0), TopKSelector.LastCallStatistics());
    }

    [Fact]
    public void A_nan_change_names_the_tensor_and_index()
    {
        var model = RandomModel(6, [4, 5], [6]);
        model[1].Current[2] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => TopKSelector.Select(model, 3));
        Assert.Contains("'layer1.weight'", e.Message);
        Assert.Contains("NaN at flat index 2", e.Message);
    }

    [Fact]
    public void Bad_input_names_the_tensor()
    {
        var model = RandomModel(7, [4, 5], [6]);
        var mismatched = new[] { model[0], new TensorPair("pooler.dense.bias", zeros(6), zeros(7)) };
        Assert.Contains("pooler.dense.bias", Assert.Throws<ArgumentException>(() => TopKSelector.Select(mismatched, 1)).Message);

        var unsorted = new Tensor?[] { null, tensor(new long[] { 3, 1 }) };
        var e = Assert.Throws<ArgumentException>(() => TopKSelector.Select(model, 1, unsorted));
        Assert.Contains("'layer1.weight'", e.Message);
        Assert.Contains("position 1", e.Message);

        var outside = new Tensor?[] { tensor(new long[] { 20 }), null };
        Assert.Contains("'layer0.weight'", Assert.Throws<ArgumentException>(() => TopKSelector.Select(model, 1, outside)).Message);

        Assert.Contains("exceeds the 26 eligible", Assert.Throws<ArgumentException>(() => TopKSelector.Select(model, 27)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TopKSelector.Select(model, -1));
        Assert.Throws<ArgumentException>(() => TopKSelector.Select(model, 1, [null]));

        var transposed = new[] { new TensorPair("t", model[0].Current.t()) };
        Assert.Contains("contiguous", Assert.Throws<ArgumentException>(() => TopKSelector.Select(transposed, 1)).Message);
        var doubles = new[] { new TensorPair("d", zeros(3, dtype: float64)) };
        Assert.Contains("d: expected dtype Float32", Assert.Throws<ArgumentException>(() => TopKSelector.Select(doubles, 1)).Message);
    }
}
