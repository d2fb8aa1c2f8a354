using System.Globalization;
using System.Text;
using DslSft.Data.Conllu;
using DslSft.Metrics;
using DslSft.Tasks.Parsing;

namespace DslSft.Benchmarks;

/// <summary>
/// Data-area benchmarks:
/// 1. CoNLL-U reading (UD English EWT train, 14 MB) with full validation, against the baseline of
///    File.ReadLines + Split with no checks at all: what streaming, strict UTF-8 and line-numbered
///    validation cost.
/// 2. MST (Chu-Liu/Edmonds, single root) against greedy head selection on random sentences of
///    10, 30 and 60 words: what a guaranteed tree costs per sentence.
/// 3. Span F1 (seqeval scheme) throughput on EWT-sized tag sequences.
/// </summary>
internal static class DataBenchmarks
{
    public static int Run(bool quick)
    {
        int repeats = quick ? 3 : 7;
        var report = new StringBuilder();
        report.AppendLine("# Data benchmarks (readers, decoding, metrics)");
        report.AppendLine();
        report.AppendLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}. Medians of {repeats} runs after a warm-up.");
        report.AppendLine("The machine's 2 cores are shared with other jobs, so single numbers can move by a third between runs; the ratios within a row are the measurement.");
        report.AppendLine("Command: `dotnet run -c Release --project benchmarks -- --data`.");
        report.AppendLine();

        var ewt = FindShared("data", "ud", "en_ewt-ud-train.conllu");
        if (ewt is null)
        {
            Console.Error.WriteLine("../shared/data/ud/en_ewt-ud-train.conllu not found; skipping the reader benchmark");
        }
        else
        {
            long bytes = new FileInfo(ewt).Length;
            int sentences = 0;
            double ours = BenchmarkTiming.MedianMilliseconds(repeats, () => sentences = ConlluReader.Read(ewt).Count());
            double baseline = BenchmarkTiming.MedianMilliseconds(repeats, () => NaiveSentenceCount(ewt));
            report.AppendLine("## CoNLL-U reading");
            report.AppendLine();
            report.AppendLine($"UD English EWT train: {bytes / 1e6:F1} MB, {sentences} sentences.");
            report.AppendLine();
            report.AppendLine("| reader | median ms | MB/s | ratio to baseline |");
            report.AppendLine("| --- | ---: | ---: | ---: |");
            report.AppendLine($"| baseline: File.ReadLines + Split, no checks | {baseline:F0} | {bytes / 1e3 / baseline:F1} | 1.00 |");
            report.AppendLine($"| ConlluReader (strict UTF-8 per line, validation, records) | {ours:F0} | {bytes / 1e3 / ours:F1} | {ours / baseline:F2} |");
            report.AppendLine();
        }

        report.AppendLine("## Head decoding: MST vs greedy");
        report.AppendLine();
        report.AppendLine("200 sentences per row. *uniform*: arc scores uniform in [-3, 3] (worst case: greedy is almost never a tree).");
        report.AppendLine("*peaked*: the same plus 6 on the arcs of a random single-rooted tree, like a trained parser's confident scores.");
        report.AppendLine();
        report.AppendLine("| scores | words | greedy µs/sentence | MST µs/sentence | ratio | greedy already a tree |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (kind, n) in new[] { ("uniform", 10), ("uniform", 30), ("uniform", 60), ("peaked", 10), ("peaked", 30), ("peaked", 60) })
        {
            var batch = Enumerable.Range(0, 200).Select(seed => RandomScores(n, seed, peaked: kind == "peaked")).ToList();
            double greedy = BenchmarkTiming.MedianMilliseconds(repeats, () => { foreach (var s in batch) ParseDecoder.GreedyHeads(s); });
            double mst = BenchmarkTiming.MedianMilliseconds(repeats, () => { foreach (var s in batch) MstDecoder.Decode(s); });
            int trees = batch.Count(s => IsTree(ParseDecoder.GreedyHeads(s)));
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {n} | {greedy * 1000 / batch.Count:F1} | {mst * 1000 / batch.Count:F1} | {mst / greedy:F1} | {trees}/{batch.Count} |"));
        }
        report.AppendLine();

        report.AppendLine("## Span F1 (seqeval default scheme)");
        report.AppendLine();
        var (gold, predicted) = RandomTagSequences(12_544, 20, seed: 7);
        double spanMs = BenchmarkTiming.MedianMilliseconds(repeats, () =>
        {
            var score = new SpanF1();
            for (int i = 0; i < gold.Count; i++) score.Add(gold[i], predicted[i]);
        });
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{gold.Count} sentences x 20 tags (EWT-train sized): {spanMs:F1} ms per full evaluation ({gold.Count * 20 / spanMs / 1000:F1} M tags/s)."));

        var path = Path.Combine(BenchmarkOutput.RepoRoot(), "docs", "benchmarks", "data.md");
        DslSft.IO.AtomicFile.WriteAllText(path, report.ToString());
        Console.WriteLine(report);
        Console.WriteLine($"written to {path}");
        return 0;
    }

    private static int NaiveSentenceCount(string path)
    {
        int sentences = 0;
        bool inSentence = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) { if (inSentence) sentences++; inSentence = false; continue; }
            if (line[0] == '#') continue;
            _ = line.Split('\t');
            inSentence = true;
        }
        return inSentence ? sentences + 1 : sentences;
    }

    private static ParseScores RandomScores(int n, int seed, bool peaked)
    {
        var random = new Random(seed);
        var arcs = new float[n * (n + 1)];
        for (int i = 0; i < arcs.Length; i++) arcs[i] = (float)(random.NextDouble() * 6 - 3);
        if (peaked)
        {
            // A random tree: shuffle the words, attach the first to the root and each later one to an earlier one.
            var order = Enumerable.Range(1, n).OrderBy(_ => random.Next()).ToArray();
            for (int i = 0; i < n; i++)
            {
                int head = i == 0 ? 0 : order[random.Next(i)];
                arcs[(order[i] - 1) * (n + 1) + head] += 6;
            }
        }
        return new ParseScores(arcs, new float[n * (n + 1)], n, 1);
    }

    private static bool IsTree(int[] heads)
    {
        if (heads.Count(h => h == 0) != 1) return false;
        for (int d = 1; d <= heads.Length; d++)
        {
            int v = d, steps = 0;
            while (v != 0 && steps++ <= heads.Length) v = heads[v - 1];
            if (v != 0) return false;
        }
        return true;
    }

    private static (List<string[]>, List<string[]>) RandomTagSequences(int count, int length, int seed)
    {
        string[] tags = ["O", "O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"];
        var random = new Random(seed);
        var gold = new List<string[]>(count);
        var predicted = new List<string[]>(count);
        for (int i = 0; i < count; i++)
        {
            var g = Enumerable.Range(0, length).Select(_ => tags[random.Next(tags.Length)]).ToArray();
            var p = g.Select(t => random.NextDouble() < 0.1 ? tags[random.Next(tags.Length)] : t).ToArray();
            gold.Add(g);
            predicted.Add(p);
        }
        return (gold, predicted);
    }

    private static string? FindShared(params string[] parts)
    {
        var env = Environment.GetEnvironmentVariable("DSLSFT_SHARED");
        var root = !string.IsNullOrEmpty(env) ? env : Path.Combine(BenchmarkOutput.RepoRoot(), "..", "shared");
        var path = Path.Combine([root, .. parts]);
        return File.Exists(path) ? path : null;
    }
}
