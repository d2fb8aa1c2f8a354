using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DslSft.Models;
using DslSft.Models.Heads;
using DslSft.Models.Transformer;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// Forward and backward time per batch (8 × 128 tokens, MLM loss) of the DSL-built BERT vs the same architecture
/// written by hand in plain TorchSharp, for BERT-base and MiniLM shapes. Both run in the same process, interleaved
/// iteration by iteration so machine load affects them alike; medians and the ratio go to docs/benchmarks/models.md.
/// </summary>
public static class ModelBenchmark
{
    private sealed record Shape(string Name, int Layers, int Hidden, int Heads, int Intermediate);

    private sealed record Timing(List<double> Forward, List<double> Backward);

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var iterations = ArgValue(args, "--iterations") ?? (quick ? 2 : 3);
        // BERT-base steps take minutes on a loaded 2-core machine; allow fewer of them.
        var largeIterations = ArgValue(args, "--large-iterations") ?? iterations;
        var largeWarmup = !args.Contains("--no-large-warmup");
        const int batch = 8, length = 128, vocab = 30522;
        var shapes = new[]
        {
            new Shape("MiniLM (6 layers, hidden 384)", 6, 384, 12, 1536),
            new Shape("BERT-base (12 layers, hidden 768)", 12, 768, 12, 3072),
        };
        var results = new List<(Shape Shape, Timing Generated, Timing HandWritten)>();
        foreach (var shape in shapes)
        {
            manual_seed(0);
            var config = new TransformerConfig
            {
                VocabSize = vocab, HiddenSize = shape.Hidden, NumHiddenLayers = shape.Layers, NumAttentionHeads = shape.Heads,
                IntermediateSize = shape.Intermediate, MaxPositionEmbeddings = 512,
            };
            using var generated = new BertForMaskedLM(config);
            using var handWritten = new HandWrittenBertForMaskedLM(vocab, shape.Hidden, shape.Layers, shape.Heads, shape.Intermediate, 512, 0.1);
            generated.train();
            handWritten.train();
            var ids = randint(5, vocab, new long[] { batch, length });
            var mask = ones(batch, length, dtype: ScalarType.Int64);
            var labels = ids.clone();
            var generatedTiming = new Timing(new(), new());
            var handTiming = new Timing(new(), new());
            // One warm-up step each (optional for the large shape), then interleaved measured steps; which model goes
            // first alternates, so neither always runs right after the other's memory churn.
            var large = shape.Hidden >= 768;
            var measured = large ? largeIterations : iterations;
            var first = large && !largeWarmup ? 1 : 0;
            for (int i = first; i <= measured; i++)
            {
                (double Forward, double Backward) g, h;
                if (i % 2 == 0)
                {
                    g = Step(() => generated.forward(new ModelBatch(ids, mask)).Logits, labels, generated);
                    h = Step(() => handWritten.forward(ids, mask), labels, handWritten);
                }
                else
                {
                    h = Step(() => handWritten.forward(ids, mask), labels, handWritten);
                    g = Step(() => generated.forward(new ModelBatch(ids, mask)).Logits, labels, generated);
                }
                if (i == 0) continue;
                generatedTiming.Forward.Add(g.Forward); generatedTiming.Backward.Add(g.Backward);
                handTiming.Forward.Add(h.Forward); handTiming.Backward.Add(h.Backward);
                Console.WriteLine($"{shape.Name} iteration {i}: generated {g.Forward:F0}+{g.Backward:F0} ms, hand-written {h.Forward:F0}+{h.Backward:F0} ms");
            }
            results.Add((shape, generatedTiming, handTiming));
            Write(results, batch, length); // after every shape, so an interrupted run keeps what it measured
        }
        return 0;
    }

    private static (double Forward, double Backward) Step(Func<Tensor> forward, Tensor labels, nn.Module module)
    {
        module.zero_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var logits = forward();
        var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), labels.view(-1));
        loss.item<float>(); // forces the computation on any device
        var forwardMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        loss.backward();
        var backwardMs = clock.Elapsed.TotalMilliseconds;
        return (forwardMs, backwardMs);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Write(List<(Shape Shape, Timing Generated, Timing HandWritten)> results, int batch, int length)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Models: DSL-built BERT vs hand-written TorchSharp");
        md.AppendLine();
        md.AppendLine($"Forward (MLM logits + loss) and backward time per batch of {batch} × {length} tokens, training mode (dropout on), fp32, CPU.");
        md.AppendLine("Baseline: the same architecture written by hand in plain TorchSharp (`benchmarks/ModelBaseline.cs`), run in the same process,");
        md.AppendLine($"interleaved step by step with the DSL-built `BertForMaskedLM`. Medians of the measured steps (column n) after one warm-up step each (except where noted); the order alternates each step.");
        md.AppendLine($"Machine: {Environment.ProcessorCount} logical cores (shared with other jobs), {RuntimeInfo()}. Target: ratio ≤ 1.05.");
        md.AppendLine();
        md.AppendLine("| Shape | n | Generated fwd (ms) | Hand-written fwd (ms) | fwd ratio | Generated bwd (ms) | Hand-written bwd (ms) | bwd ratio | total ratio |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var json = new List<object>();
        foreach (var (shape, generated, hand) in results)
        {
            double gf = Median(generated.Forward), hf = Median(hand.Forward), gb = Median(generated.Backward), hb = Median(hand.Backward);
            var total = Median(generated.Forward.Zip(generated.Backward, (a, b) => a + b)) / Median(hand.Forward.Zip(hand.Backward, (a, b) => a + b));
            md.AppendLine(string.Create(inv, $"| {shape.Name} | {generated.Forward.Count} | {gf:F0} | {hf:F0} | {gf / hf:F3} | {gb:F0} | {hb:F0} | {gb / hb:F3} | {total:F3} |"));
            json.Add(new { shape = shape.Name, generatedForwardMs = generated.Forward, handWrittenForwardMs = hand.Forward, generatedBackwardMs = generated.Backward, handWrittenBackwardMs = hand.Backward, totalRatio = total });
        }
        md.AppendLine();
        md.AppendLine("Run: `dotnet run -c Release --project benchmarks -- --models [--iterations N] [--large-iterations N] [--no-large-warmup]`. Raw times: `models.json`.");
        var dir = Path.Combine(FindRepoRoot(), "docs", "benchmarks");
        Directory.CreateDirectory(dir);
        IO.AtomicFile.WriteAllText(Path.Combine(dir, "models.md"), md.ToString());
        IO.AtomicFile.WriteAllText(Path.Combine(dir, "models.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(md.ToString());
    }

    private static string RuntimeInfo() => $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {get_num_threads()} torch threads";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DslSft.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    private static int? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : null;
    }
}
