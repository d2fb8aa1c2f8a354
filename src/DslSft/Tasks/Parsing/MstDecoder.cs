namespace DslSft.Tasks.Parsing;

/// <summary>
/// Maximum spanning arborescence decoding (Chu-Liu/Edmonds) for dependency parsing. Arc scores are first
/// turned into log-probabilities per dependent (log-softmax over its heads), so that a tree's score is the
/// log-probability of its arcs. The result is always a tree rooted at 0 with exactly one word attached to
/// the root (as UD requires): when the best unconstrained tree has several root children, candidate root
/// children are tried in order of an upper bound on their best tree, stopping when the bound cannot win.
/// </summary>
public static class MstDecoder
{
    /// <summary>1-based heads (0 = root) of the best single-rooted tree.</summary>
    public static int[] Decode(ParseScores scores)
    {
        int n = scores.Words;
        // Each word's argmax head maximises its own term, so when those heads already form a single-rooted
        // tree no tree scores higher: the common case for a confident parser, at the cost of greedy decoding.
        var greedy = ParseDecoder.GreedyHeads(scores);
        if (IsSingleRootedTree(greedy)) return greedy;
        // Node 0 is the root; s[d, h] is the score of h → d.
        var s = new double[n + 1, n + 1];
        for (int h = 0; h <= n; h++) s[0, h] = double.NegativeInfinity;
        for (int d = 1; d <= n; d++)
        {
            var row = scores.ArcRow(d);
            double logSum = ParseDecoder.LogSumExp(row);
            for (int h = 0; h <= n; h++) s[d, h] = d == h ? double.NegativeInfinity : row[h] - logSum;
        }
        var heads = Solve(s);
        if (RootChildren(heads) <= 1) return heads[1..];
        // Try each word as the only root child, best upper bound first: a tree with root child r scores at
        // most s[r, 0] plus every other word's best non-root head. Once that bound cannot beat the best tree
        // found, no remaining candidate can either (exact, and usually only a few candidates are solved).
        var bestOther = new double[n + 1];
        double sumBestOther = 0;
        for (int d = 1; d <= n; d++)
        {
            bestOther[d] = double.NegativeInfinity;
            for (int h = 1; h <= n; h++) bestOther[d] = Math.Max(bestOther[d], s[d, h]);
            sumBestOther += bestOther[d];
        }
        var candidates = Enumerable.Range(1, n)
            .Select(r => (Root: r, Bound: s[r, 0] + sumBestOther - bestOther[r]))
            .OrderByDescending(c => c.Bound)
            .ToList();
        int[]? best = null;
        double bestScore = double.NegativeInfinity;
        foreach (var (r, bound) in candidates)
        {
            if (best is not null && bound <= bestScore) break;
            var constrained = (double[,])s.Clone();
            for (int d = 1; d <= n; d++)
                if (d != r) constrained[d, 0] = double.NegativeInfinity;
            var candidate = Solve(constrained);
            double total = Score(s, candidate);
            if (total > bestScore) (best, bestScore) = (candidate, total);
        }
        return best![1..];
    }

    /// <summary>Best arborescence rooted at node 0 of the dense graph <paramref name="s"/> (s[dependent, head]); entry 0 of the result is -1.</summary>
    internal static int[] Solve(double[,] s)
    {
        int m = s.GetLength(0);
        var heads = new int[m];
        heads[0] = -1;
        for (int d = 1; d < m; d++)
        {
            int best = -1;
            for (int h = 0; h < m; h++)
                if (h != d && (best < 0 || s[d, h] > s[d, best])) best = h;
            heads[d] = best;
        }
        var cycle = FindCycle(heads);
        if (cycle is null) return heads;

        // Contract the cycle into one node c (numbered last); other nodes keep their order.
        var inCycle = new bool[m];
        foreach (var v in cycle) inCycle[v] = true;
        var newIndex = new int[m];
        var oldIndex = new List<int>();
        for (int v = 0; v < m; v++)
            if (!inCycle[v]) { newIndex[v] = oldIndex.Count; oldIndex.Add(v); }
        int c = oldIndex.Count;
        var t = new double[c + 1, c + 1];
        for (int i = 0; i <= c; i++)
            for (int j = 0; j <= c; j++) t[i, j] = double.NegativeInfinity;
        var headInCycle = new int[m];   // for an outside dependent: which cycle node serves best as its head
        var entryPoint = new int[m];    // for an outside head: which cycle node it should enter through
        for (int d = 0; d < m; d++)
        {
            if (inCycle[d]) continue;
            for (int h = 0; h < m; h++)
                if (!inCycle[h] && h != d) t[newIndex[d], newIndex[h]] = s[d, h];
            if (d == 0) continue;
            double best = double.NegativeInfinity;
            foreach (var u in cycle)
                if (s[d, u] > best) { best = s[d, u]; headInCycle[d] = u; }
            t[newIndex[d], c] = best;
        }
        for (int h = 0; h < m; h++)
        {
            if (inCycle[h]) continue;
            double best = double.NegativeInfinity;
            foreach (var v in cycle)
            {
                // Entering the cycle at v replaces v's cycle arc: the gain is relative to that arc.
                double gain = s[v, h] - s[v, heads[v]];
                if (gain > best) { best = gain; entryPoint[h] = v; }
            }
            t[c, newIndex[h]] = best;
        }
        var contracted = Solve(t);

        var result = (int[])heads.Clone();
        for (int d = 1; d < m; d++)
        {
            if (inCycle[d]) continue;
            int h = contracted[newIndex[d]];
            result[d] = h == c ? headInCycle[d] : oldIndex[h];
        }
        int enteringHead = oldIndex[contracted[c]];
        result[entryPoint[enteringHead]] = enteringHead;
        return result;
    }

    private static List<int>? FindCycle(int[] heads)
    {
        int m = heads.Length;
        var state = new int[m]; // 0 unvisited, 1 on the current path, 2 done
        for (int start = 1; start < m; start++)
        {
            if (state[start] != 0) continue;
            var path = new List<int>();
            int v = start;
            while (v > 0 && state[v] == 0)
            {
                state[v] = 1;
                path.Add(v);
                v = heads[v];
            }
            if (v > 0 && state[v] == 1)
                return path.GetRange(path.IndexOf(v), path.Count - path.IndexOf(v));
            foreach (var p in path) state[p] = 2;
        }
        return null;
    }

    private static bool IsSingleRootedTree(int[] heads)
    {
        int roots = 0;
        foreach (var h in heads)
        {
            if (h < 0 || h > heads.Length) return false;
            if (h == 0) roots++;
        }
        if (roots != 1) return false;
        var withRoot = new int[heads.Length + 1];
        heads.CopyTo(withRoot, 1);
        for (int d = 1; d < withRoot.Length; d++)
            if (withRoot[d] == d) return false;
        return FindCycle(withRoot) is null;
    }

    private static int RootChildren(int[] heads) => heads.Skip(1).Count(h => h == 0);

    private static double Score(double[,] s, int[] heads)
    {
        double total = 0;
        for (int d = 1; d < heads.Length; d++) total += s[d, heads[d]];
        return total;
    }
}
