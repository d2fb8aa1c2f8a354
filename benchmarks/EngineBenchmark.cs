using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace DslSft.Benchmarks;

/// <summary>
/// End-to-end LT-SFT on a BERT-shaped masked LM (batch 8 × 128, 15% masking, K = 1% of maskable entries, L1 0.1 in
/// both phases, clipping at 1): a few full-phase updates, selection + rewind, a few sparse-phase updates, for each
/// variant in a child process of its own (so VmHWM is that variant's whole-run peak):
/// <list type="bullet">
/// <item><c>baseline</c>: what composable-sft does (<see cref="EngineBaselineRun"/>);</item>
/// <item><c>ours-all</c>: <see cref="DslSft.Engine.LtSftTrainer{TBatch}"/>, logits at every position like the baseline;</item>
/// <item><c>ours</c>: the same with the MLM head decoding only the masked positions (<c>ModelBatch.LogitsAtLabelsOnly</c>);</item>
/// <item><c>ours-k8</c>: <c>ours</c> with K = 8%;</item>
/// <item><c>ours-dense-grads</c>: <c>ours</c> with dense weight gradients in the sparse phase (the path before sampled gradients);</item>
/// <item><c>ours-ckpt</c>: <c>ours</c> with gradient checkpointing.</item>
/// </list>
/// Each child also measures a 768×3072×1024 sgemm through libtorch at its thread count, the yardstick for the
/// achieved GFLOP/s of the full phase's forward + backward (<see cref="EngineBenchmarkModel.ForwardBackwardFlops"/>).
/// Variants are interleaved (the order alternates per repeat) so machine load hits them alike; the report takes
/// medians over repeats and ratios against the baseline of the same repeat. Results go to
/// docs/benchmarks/engine.results.md and engine.json.
/// </summary>
internal static class EngineBenchmark
{
    public const double Proportion = 0.01, L1 = 0.1, LearningRate = 1e-4;
    public const double HighProportion = 0.08;
    public static readonly string[] Variants = { "baseline", "ours-all", "ours", "ours-k8", "ours-dense-grads", "ours-ckpt" };

    public static int Run(string[] args)
    {
        var fullSteps = IntArg(args, "--full-steps") ?? 3;
        var sparseSteps = IntArg(args, "--sparse-steps") ?? 3;
        var smallSteps = IntArg(args, "--small-steps") ?? 6; // per phase on the small model, where updates are cheap
        var threads = IntArg(args, "--threads") ?? 1;
        if (args.Contains("--gemm"))
        {
            // The yardstick alone, repeated: on a shared machine its CPU-time form is the one that survives the neighbours.
            torch.set_num_threads(threads);
            for (var i = 0; i < (IntArg(args, "--repeats") ?? 5); i++)
            {
                var (wall, cpu) = GemmGflops();
                Console.WriteLine(FormattableString.Invariant($"sgemm 768x3072x1024, {threads} thread(s): {wall:F1} GFLOP/s by wall time, {cpu:F1} by CPU time / threads; load {LoadAverage()}"));
            }
            return 0;
        }
        if (ArgValue(args, "--engine-child") is { } child)
            return Child(child, EncoderShape.Named(ArgValue(args, "--shape")!), fullSteps, sparseSteps, threads);

        var repeats = IntArg(args, "--repeats") ?? 2;
        var shapes = new List<EncoderShape> { EncoderShape.Small };
        if (args.Contains("--bert-base")) shapes.Add(EncoderShape.BertBase);
        if (args.Contains("--bert-base-only")) shapes = new() { EncoderShape.BertBase };
        var variants = ArgValue(args, "--variants")?.Split(',') ?? Variants;
        var settings = new EngineBenchmarkReport.Settings(string.Join(' ', args), fullSteps, sparseSteps, smallSteps, threads, repeats, DateTime.UtcNow);
        var runs = new List<VariantRun>();
        foreach (var shape in shapes)
            for (var repeat = 1; repeat <= repeats; repeat++)
                foreach (var variant in repeat % 2 == 1 ? variants : variants.Reverse())
                {
                    var small = shape == EncoderShape.Small;
                    var run = RunChild(variant, shape, repeat, small ? smallSteps : fullSteps, small ? smallSteps : sparseSteps, threads);
                    runs.Add(run);
                    Console.WriteLine($"{shape.Name} #{repeat} {variant}: full {run.FullStep.WallMs:F0}/{run.FullStep.CpuMs:F0} ms, sparse {run.SparseStep.WallMs:F0}/{run.SparseStep.CpuMs:F0} ms (wall/CPU), " +
                                      $"selection {run.SelectionWallMs:F0}/{run.SelectionCpuMs:F0} ms, peak {run.PeakMiB:F0} MiB ({run.PeakMiB - run.RuntimeMiB:F0} above runtime), load {run.LoadStart} → {run.LoadEnd}");
                    EngineBenchmarkReport.Write(runs, settings); // after every child, so an interrupted run keeps what it measured
                }
        return 0;
    }

    private static string? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? IntArg(string[] args, string name) => ArgValue(args, name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;

    private static int Child(string variant, EncoderShape shape, int fullSteps, int sparseSteps, int threads)
    {
        torch.set_num_threads(threads);
        using (torch.ones(1) + 1) { } // load libtorch before measuring the runtime's RSS
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        var (gemm, gemmCpu) = GemmGflops();
        var recorder = new EngineRunRecorder();
        long k;
        if (variant == "baseline") EngineBaselineRun.Run(shape, fullSteps, sparseSteps, recorder, out k);
        else EngineOursRun.Run(shape, fullSteps, sparseSteps, EngineOursRun.Settings.Of(variant), recorder, out k);
        using var model = EngineBenchmarkModel.Create(shape);
        var parameters = EngineBenchmarkModel.Parameters(model).Where(p => p.Role != Models.ParameterRole.Tied).Sum(p => p.Tensor.numel());
        var run = new VariantRun(variant, shape.Name, 0, parameters, k, threads, Math.Round(recorder.RuntimeMiB), Math.Round(recorder.PeakMiB),
            recorder.SegmentPeaksExact, recorder.Steps, recorder.SelectionWallMs, recorder.SelectionCpuMs, recorder.TransitionWallMs, recorder.TransitionCpuMs,
            recorder.Segments().ToList(), recorder.Boundaries, recorder.Notes, load, LoadAverage(), Math.Round(clock.Elapsed.TotalSeconds, 1))
        {
            GemmGflops = Math.Round(gemm, 1),
            GemmCpuGflops = Math.Round(gemmCpu, 1),
            ForwardBackwardGflop = Math.Round(EngineBenchmarkModel.ForwardBackwardFlops(shape, labelsOnly: variant != "ours-all" && variant != "baseline") / 1e9, 1),
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(run));
        return 0;
    }

    /// <summary>
    /// libtorch's single-GEMM throughput at this process's thread count: C[768, 3072] = A[768, 1024] · B[1024, 3072]
    /// (the shape of a BERT-base FFN product over 1024 tokens), median of 7 after a warm-up, in GFLOP/s: by wall time,
    /// and by the process's CPU time divided by the thread count (what it would reach without neighbours).
    /// </summary>
    private static (double Wall, double Cpu) GemmGflops()
    {
        var threads = torch.get_num_threads();
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(768, 1024);
        var b = torch.randn(1024, 3072);
        torch.matmul(a, b);
        var process = Process.GetCurrentProcess();
        var times = Enumerable.Range(0, 7).Select(_ =>
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            torch.matmul(a, b).Dispose();
            var wall = clock.Elapsed.TotalSeconds;
            process.Refresh();
            return (Wall: wall, Cpu: (process.TotalProcessorTime - cpu).TotalSeconds / threads);
        }).ToList();
        const double flop = 2.0 * 768 * 1024 * 3072;
        return (flop / Stats.Median(times.Select(t => t.Wall)) / 1e9, flop / Stats.Median(times.Select(t => t.Cpu)) / 1e9);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static VariantRun RunChild(string variant, EncoderShape shape, int repeat, int fullSteps, int sparseSteps, int threads)
    {
        var self = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(EngineBenchmark).Assembly.Location}\" " : "";
        var info = new ProcessStartInfo(self, $"{prefix}--engine --engine-child {variant} --shape \"{shape.Name}\" " +
                                              $"--full-steps {fullSteps} --sparse-steps {sparseSteps} --threads {threads}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"child {variant} ({shape.Name}) failed (exit {process.ExitCode}): {output}");
        return JsonSerializer.Deserialize<VariantRun>(line["RESULT ".Length..])! with { Repeat = repeat };
    }
}

/// <summary>One variant's whole run in its own process, as the child reports it (times in ms, memory in MiB).</summary>
internal sealed record VariantRun(string Variant, string Shape, int Repeat, long Parameters, long K, int Threads, double RuntimeMiB, double PeakMiB,
    bool SegmentPeaksExact, List<EngineRunRecorder.StepTime> Steps, double SelectionWallMs, double SelectionCpuMs,
    double TransitionWallMs, double TransitionCpuMs, List<EngineRunRecorder.Segment> Segments, List<EngineRunRecorder.Boundary> Boundaries,
    List<string> Notes, string LoadStart, string LoadEnd, double WallSeconds)
{
    /// <summary>The child's measured libtorch sgemm throughput (768×3072×1024), GFLOP/s by wall time.</summary>
    public double GemmGflops { get; init; }

    /// <summary>The same by CPU time divided by the thread count (0 in runs recorded before it was measured).</summary>
    public double GemmCpuGflops { get; init; }

    /// <summary>Floating-point work of one full-phase forward + backward (matrix products), GFLOP.</summary>
    public double ForwardBackwardGflop { get; init; }

    /// <summary>Achieved GFLOP/s of the full phase's forward + backward: the work over the median wall time of those two segments.</summary>
    [JsonIgnore]
    public double ForwardBackwardGflops => ForwardBackwardGflop / (MedianSegmentTime("full", "forward", "backward").WallMs / 1000);

    /// <summary>The same over their CPU time divided by the thread count.</summary>
    [JsonIgnore]
    public double ForwardBackwardCpuGflops => ForwardBackwardGflop / (MedianSegmentTime("full", "forward", "backward").CpuMs / 1000 / Threads);

    /// <summary>Median full-phase update, the phase's first (warm-up) update left out.</summary>
    [JsonIgnore]
    public (double WallMs, double CpuMs) FullStep => MedianStep("full");

    [JsonIgnore]
    public (double WallMs, double CpuMs) SparseStep => MedianStep("sparse");

    [JsonIgnore]
    public double PeakAboveRuntimeMiB => PeakMiB - RuntimeMiB;

    private (double WallMs, double CpuMs) MedianStep(string phase)
    {
        var timed = Steps.Where(s => s.Phase == phase).Skip(1).ToList();
        return (Stats.Median(timed.Select(s => s.WallMs)), Stats.Median(timed.Select(s => s.CpuMs)));
    }

    /// <summary>Median over the timed updates of a phase of the time spent in the named parts (e.g. norm + update: the optimizer's share).</summary>
    public (double WallMs, double CpuMs) MedianSegmentTime(string phase, params string[] parts)
    {
        var segments = parts.Select(part => Segments.FirstOrDefault(s => s.Name == $"{phase}.{part}")).ToList();
        if (segments.Any(s => s is null)) return (double.NaN, double.NaN);
        var count = segments.Min(s => s!.WallMs.Count);
        var steps = Enumerable.Range(1, Math.Max(0, count - 1)).ToList(); // the first (warm-up) update left out
        return (Stats.Median(steps.Select(i => segments.Sum(s => s!.WallMs[i]))), Stats.Median(steps.Select(i => segments.Sum(s => s!.CpuMs[i]))));
    }
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
