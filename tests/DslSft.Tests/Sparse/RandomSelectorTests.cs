using DslSft.Sparse;
using static TorchSharp.torch;

namespace DslSft.Tests.Sparse;

public class RandomSelectorTests
{
    private static readonly TensorPair[] Model =
    [
        new("a", zeros(30, 40)), new("b", zeros(0)), new("c", zeros(500)), new("d", zeros(7, 7)),
    ];

    [Fact]
    public void Selects_exactly_k_sorted_eligible_entries()
    {
        var excluded = new Tensor?[] { arange(0, 1200, 3, dtype: int64), null, arange(100, 200, dtype: int64), null };
        long eligible = 1200 - 400 + 500 - 100 + 49;
        foreach (var k in new[] { 0L, 1, 333, eligible })
        {
            var lists = RandomSelector.Select(Model, k, seed: 11, excluded);
            Assert.Equal(k, lists.Sum(l => l.numel()));
            for (int t = 0; t < Model.Length; t++)
            {
                var l = lists[t].data<long>().ToArray();
                Assert.True(l.Zip(l.Skip(1)).All(p => p.First < p.Second), "sorted and unique");
                Assert.All(l, i => Assert.InRange(i, 0, Model[t].Current.numel() - 1));
                if (excluded[t] is { } e) Assert.Empty(l.Intersect(e.data<long>().ToArray()));
            }
        }
    }

    [Fact]
    public void Same_seed_same_selection_other_seed_other_selection()
    {
        var a = SelectionReference.ToArrays(RandomSelector.Select(Model, 200, seed: 5));
        Assert.Equal(a, SelectionReference.ToArrays(RandomSelector.Select(Model, 200, seed: 5)));
        Assert.NotEqual(a, SelectionReference.ToArrays(RandomSelector.Select(Model, 200, seed: 6)));
    }

    [Fact]
    public void Each_entry_is_chosen_with_probability_k_over_n()
    {
        // 20 entries, k = 5, 4000 seeds: every entry is expected 1000 times (sd ~27).
        var small = new[] { new TensorPair("s", zeros(20)) };
        var hits = new int[20];
        for (ulong seed = 0; seed < 4000; seed++)
            foreach (var i in RandomSelector.Select(small, 5, seed)[0].data<long>().ToArray()) hits[i]++;
        Assert.All(hits, h => Assert.InRange(h, 1000 - 150, 1000 + 150));
    }
}
