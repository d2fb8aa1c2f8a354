using DslSft.Tasks.Parsing;

namespace DslSft.Tests.Tasks;

public class ParseDecoderTests
{
    /// <summary>Random arc and relation scores for n words, from a seed.</summary>
    private static ParseScores RandomScores(int n, int relations, int seed)
    {
        var random = new Random(seed);
        var arcs = new float[n * (n + 1)];
        for (int i = 0; i < arcs.Length; i++) arcs[i] = (float)(random.NextDouble() * 6 - 3);
        var rels = new float[n * (n + 1) * relations];
        for (int i = 0; i < rels.Length; i++) rels[i] = (float)random.NextDouble();
        return new ParseScores(arcs, rels, n, relations);
    }

    private static bool IsSingleRootedTree(IReadOnlyList<int> heads)
    {
        int n = heads.Count;
        if (heads.Count(h => h == 0) != 1) return false;
        for (int d = 1; d <= n; d++)
        {
            // Following heads from any word must reach the root within n steps.
            int v = d, steps = 0;
            while (v != 0 && steps++ <= n) v = heads[v - 1];
            if (v != 0) return false;
        }
        return true;
    }

    /// <summary>Every head assignment for n words (each word: any head but itself).</summary>
    private static IEnumerable<int[]> AllHeadAssignments(int n)
    {
        var heads = new int[n];
        long total = (long)Math.Pow(n + 1, n);
        for (long code = 0; code < total; code++)
        {
            long c = code;
            bool selfLoop = false;
            for (int i = 0; i < n; i++) { heads[i] = (int)(c % (n + 1)); c /= n + 1; selfLoop |= heads[i] == i + 1; }
            if (!selfLoop) yield return (int[])heads.Clone();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Mst_finds_the_best_single_rooted_tree_by_brute_force(int n)
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var scores = RandomScores(n, 2, seed * 31 + n);
            var mst = MstDecoder.Decode(scores);
            Assert.True(IsSingleRootedTree(mst), $"seed {seed}: [{string.Join(",", mst)}] is not a single-rooted tree");
            double best = AllHeadAssignments(n).Where(IsSingleRootedTree).Max(h => ParseDecoder.TreeScore(scores, h));
            Assert.Equal(best, ParseDecoder.TreeScore(scores, mst), 9);
        }
    }

    [Fact]
    public void Mst_is_a_tree_and_scores_at_least_greedy_whenever_greedy_is_a_tree()
    {
        int greedyTrees = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            int n = 2 + seed % 30;
            var scores = RandomScores(n, 3, seed);
            var mst = MstDecoder.Decode(scores);
            var greedy = ParseDecoder.GreedyHeads(scores);
            Assert.True(IsSingleRootedTree(mst));
            // Greedy maximises each word alone, so no tree can beat it; MST equals it when greedy is a valid tree.
            Assert.True(ParseDecoder.TreeScore(scores, mst) <= ParseDecoder.TreeScore(scores, greedy) + 1e-9);
            if (IsSingleRootedTree(greedy))
            {
                greedyTrees++;
                Assert.Equal(ParseDecoder.TreeScore(scores, greedy), ParseDecoder.TreeScore(scores, mst), 9);
            }
        }
        Assert.True(greedyTrees > 0, "the sample should contain some sentences where greedy already forms a tree");
    }

    [Fact]
    public void Greedy_can_produce_a_cycle_that_mst_repairs()
    {
        // 2 words preferring each other: greedy gives the cycle 1→2, 2→1.
        float[] arcs =
        [
            /* word 1: root, 1, 2 */ 0f, -9f, 5f,
            /* word 2: root, 1, 2 */ 1f, 5f, -9f,
        ];
        var scores = new ParseScores(arcs, new float[2 * 3 * 1], 2, 1);
        Assert.Equal([2, 1], ParseDecoder.GreedyHeads(scores));
        var mst = ParseDecoder.Decode(scores, HeadDecoding.Mst);
        Assert.True(IsSingleRootedTree(mst.Heads));
        Assert.Equal([2, 0], mst.Heads);   // word 2 has the better root score
    }

    [Fact]
    public void Relations_are_read_at_the_chosen_head()
    {
        // One word, heads {root, itself}; relation scores differ per head.
        var scores = new ParseScores([3f, -1f], [/* head 0 */ 0f, 1f, /* head 1 */ 5f, 0f], 1, 2);
        var parse = ParseDecoder.Decode(scores, HeadDecoding.Greedy);
        Assert.Equal([0], parse.Heads);
        Assert.Equal([1], parse.Relations);
    }

    [Fact]
    public void Wrong_score_shape_is_rejected()
    {
        var scores = new ParseScores(new float[5], new float[6], 2, 1);
        Assert.Throws<ArgumentException>(() => ParseDecoder.Decode(scores, HeadDecoding.Greedy));
    }
}
