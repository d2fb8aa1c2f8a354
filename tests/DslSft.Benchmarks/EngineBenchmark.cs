using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DslSft.Data.Mlm;
using DslSft.Engine;
using DslSft.Engine.Kernels;
using DslSft.Models;
using DslSft.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// LT-SFT step time and peak memory on a BERT-shaped masked LM (batch 8 × 128, K = 1% of maskable entries):
/// our full phase, our sparse phase and selection, against the original's sparse phase (dense AdamW over every
/// parameter, grad *= mask, L1 as an autograd loss, clip_grad_norm_), all in the same run. Peak memory is each
/// variant's VmHWM in a child process of its own. Results go to docs/benchmarks/engine.md and engine.json.
/// </summary>
internal static class EngineBenchmark
{
    private const int Batch = 8, Length = 128;
    private const double Proportion = 0.01, L1 = 0.1;

    public static int Run(string[] args)
    {
        var steps = ArgValue(args, "--steps") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 4;
        torch.set_num_threads(1);
        if (ArgValue(args, "--engine-child") is { } variant)
            return Child(variant, Shape(ArgValue(args, "--shape")!), steps);

        // End to end (forward + backward included) on the small model only: on the shared 2-core machine a BERT-base step takes minutes.
        var shapes = new[] { EncoderShape.Small };
        var results = new List<ShapeResult>();
        foreach (var shape in shapes)
        {
            Console.WriteLine($"== {shape.Name}: timing ({steps} timed steps per variant, threads {torch.get_num_threads()})");
            var timing = Time(shape, steps);
            Console.WriteLine($"   full {timing.FullMs:F0} ms, sparse {timing.SparseMs:F0} ms, baseline {timing.BaselineMs:F0} ms, selection {timing.SelectionMs:F0} ms");
            var memory = new Dictionary<string, ChildResult>();
            foreach (var v in new[] { "baseline", "sparse", "full" })
            {
                memory[v] = RunChild(v, shape, steps: 2);
                Console.WriteLine($"   peak RSS {v}: {memory[v].PeakMiB:F0} MiB (model alone {memory[v].ModelMiB:F0} MiB)");
            }
            results.Add(new ShapeResult(shape, timing, memory));
        }
        var optimizerOnly = args.Contains("--bert-base") ? OptimizerOnly(EncoderShape.BertBase, steps) : null;
        Write(results, steps, optimizerOnly);
        return 0;
    }

    private static string? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static EncoderShape Shape(string name) => name == EncoderShape.BertBase.Name ? EncoderShape.BertBase : EncoderShape.Small;

    private sealed record Timing(double FullMs, double SparseMs, double BaselineMs, double SelectionMs, long K, long Maskable, long Total);
    private sealed record ChildResult(double PeakMiB, double ModelMiB);
    private sealed record OptimizerResult(EncoderShape Shape, long Total, long K, double FullMs, double SparseMs, double BaselineMs, double SelectionMs,
        long FullStateBytes, long SparseStateBytes, long BaselineStateBytes);
    private sealed record ShapeResult(EncoderShape Shape, Timing Timing, Dictionary<string, ChildResult> Memory);

    private static (EncoderMlm Model, IReadOnlyList<TrainableParameter> Parameters) Build(EncoderShape shape)
    {
        torch.random.manual_seed(1);
        var model = new EncoderMlm(shape);
        return (model, TrainableParameter.FromModule(model, EncoderMlm.RoleOf));
    }

    private static ITrainingData<MlmBatch> Data(EncoderShape shape)
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 64).Select(_ =>
            new long[] { 1 }.Concat(Enumerable.Range(0, Length - 2).Select(_ => (long)random.Next(5, shape.Vocabulary))).Append(2).ToArray()).ToList();
        var collator = new MlmCollator(shape.Vocabulary, maskTokenId: 4, padTokenId: 0, new long[] { 1, 2 }, seed: 5);
        return new ShuffledTrainingData<long[], MlmBatch>(rows, Batch, collator.Collate, seed: 7);
    }

    private static Func<MlmBatch, Tensor> Loss(EncoderMlm model, EncoderShape shape) => batch =>
        nn.functional.cross_entropy(model.forward(batch.InputIds, batch.AttentionMask).reshape(-1, shape.Vocabulary),
            batch.Labels.reshape(-1), ignore_index: MlmBatch.IgnoreIndex);

    private static LtSftOptions Options(int steps, SelectionMethod method = SelectionMethod.LotteryTicket, int fullSteps = -1) => new()
    {
        Method = method,
        TunableProportion = Proportion,
        FullPhase = PhaseLength.Steps(fullSteps < 0 ? steps + 1 : fullSteps),
        SparsePhase = PhaseLength.Steps(steps + 1),
        LearningRate = 1e-4,
        FullL1 = L1,
        SparseL1 = L1,
    };

    private static Timing Time(EncoderShape shape, int steps)
    {
        // Ours: update times are the gaps between consecutive progress reports (the first update of each phase is warm-up).
        var (model, parameters) = Build(shape);
        var stamps = new List<(TrainingPhase Phase, long Step, double CpuMs)>();
        var trainer = new LtSftTrainer<MlmBatch>(model, parameters, Loss(model, shape), Data(shape), Options(steps))
        {
            Progress = new Callback(p => stamps.Add((p.Phase, p.Step, CpuMs()))),
        };
        trainer.Train();
        double Median(TrainingPhase phase) => MedianOf(stamps.Where(x => x.Phase == phase).Zip(stamps.Where(x => x.Phase == phase).Skip(1))
            .Select(pair => pair.Second.CpuMs - pair.First.CpuMs));
        var full = Median(TrainingPhase.Full);
        var sparse = Median(TrainingPhase.Sparse);

        // Selection alone, on the maskable tensors against a perturbed copy (what follows a full phase).
        var maskable = parameters.Where(p => p.Role == ParameterRole.Maskable).ToList();
        var originals = maskable.Select(p => (p.Tensor.detach() + torch.randn_like(p.Tensor) * 1e-3f).DetachFromDisposeScope()).ToList();
        var candidates = maskable.Select((p, i) => new SelectionCandidate(p.Tensor.detach(), originals[i], null)).ToList();
        var selection = MedianOf(Enumerable.Range(0, 3).Select(_ =>
        {
            var start = CpuMs();
            foreach (var t in NativeSparseKernels.Default.SelectLargestChanges(candidates, trainer.K)) t.Dispose();
            return CpuMs() - start;
        }));
        foreach (var o in originals) o.Dispose();
        var total = parameters.Sum(p => p.Tensor.numel());
        model.Dispose();

        var baseline = MedianOf(Baseline(shape, steps + 1, out _).Skip(1));
        return new Timing(full, sparse, baseline, selection, trainer.K, trainer.MaskableCount, total);
    }

    /// <summary>The original's sparse phase: dense AdamW everywhere, a dense 0/1 mask on the gradients, L1 through autograd.</summary>
    private static List<double> Baseline(EncoderShape shape, int steps, out long stateBytes)
    {
        var (model, parameters) = Build(shape);
        var named = model.named_parameters().ToList();
        var total = named.Sum(p => p.parameter.numel());
        var maskable = named.Where(p => EncoderMlm.RoleOf(p.name) == ParameterRole.Maskable).ToList();
        var original = named.ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var k = (long)(Proportion * maskable.Sum(p => p.parameter.numel()));
        var chosen = NativeSparseKernels.Default.SelectRandom(maskable.Select(p => p.parameter.numel()).ToList(), maskable.Select(_ => (Tensor?)null).ToList(), k, 11);
        var masks = maskable.Select((p, i) => (p.name, mask: torch.zeros(p.parameter.numel()).index_fill_(0, chosen[i], 1f).reshape(p.parameter.shape))).ToDictionary(x => x.name, x => x.mask);
        var optimizer = torch.optim.AdamW(named.Select(p => p.parameter), lr: 1e-4);
        var loss = Loss(model, shape);
        var times = new List<double>();
        using var batches = Data(shape).Epoch(0).GetEnumerator();
        for (var step = 0; step < steps; step++)
        {
            batches.MoveNext();
            var start = CpuMs();
            using (var scope = torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                var reg = torch.stack(maskable.Select(p => (p.parameter - original[p.name]).abs().sum()).ToArray()).sum() * (L1 / total);
                (loss(batches.Current) + reg).backward();
                using (torch.no_grad()) foreach (var (name, p) in maskable) p.grad!.mul_(masks[name]);
                torch.nn.utils.clip_grad_norm_(named.Select(p => p.parameter), 1.0);
                optimizer.step();
            }
            times.Add(CpuMs() - start);
        }
        stateBytes = total * 4 * 4; // m, v, θ0 and the float mask
        return times;
    }

    /// <summary>
    /// The engine's own share of an update on a big model, without forward/backward (identical for every variant):
    /// gradient norm + AdamW step in our full and sparse phases, against the baseline's L1 backward, grad *= mask,
    /// clip_grad_norm_ and torch AdamW over every parameter. Gradients are random and fixed.
    /// </summary>
    private static OptimizerResult OptimizerOnly(EncoderShape shape, int steps)
    {
        Console.WriteLine($"== {shape.Name}: optimizer-only timing");
        var (model, parameters) = Build(shape);
        var total = parameters.Sum(p => p.Tensor.numel());
        using (var scope = torch.NewDisposeScope())
            torch.stack(parameters.Select(p => (p.Tensor * torch.randn_like(p.Tensor)).sum()).ToArray()).sum().backward();
        var maskable = parameters.Where(p => p.Role == ParameterRole.Maskable).ToList();
        var heads = parameters.Where(p => p.Role == ParameterRole.DenseHead).ToList();
        var original = parameters.ToDictionary(p => p.Name, p => p.Tensor.detach().clone());
        var k = (long)(Proportion * maskable.Sum(p => p.Tensor.numel()));
        var options = Options(steps);
        var l1 = (float)(L1 / total);

        double TimeSteps(Action step) => MedianOf(Enumerable.Range(0, steps + 1).Select(_ => { var t0 = CpuMs(); step(); return CpuMs() - t0; }).Skip(1));

        double fullMs; long fullBytes;
        using (var full = new PhaseOptimizer(NativeSparseKernels.Default, options, l1))
        {
            foreach (var p in maskable) full.AddDense(p.Name, p.Tensor, original[p.Name], applyL1: true);
            foreach (var p in heads) full.AddDense(p.Name, p.Tensor, original[p.Name], applyL1: false);
            full.Seal();
            fullMs = TimeSteps(() => full.Step(1e-4, Math.Min(1, 1 / (full.GradNorm() + 1e-6))));
            fullBytes = full.StateBytes + maskable.Sum(p => p.Tensor.numel() * 4);
        }
        Console.WriteLine($"   full {fullMs:F0} ms");

        var selectionStart = CpuMs();
        var candidates = maskable.Select(p => new SelectionCandidate((p.Tensor.detach() + torch.randn_like(p.Tensor) * 1e-3f), original[p.Name], null)).ToList();
        var prepare = CpuMs() - selectionStart;
        var selectionMs = MedianOf(Enumerable.Range(0, 3).Select(_ =>
        {
            var t0 = CpuMs();
            foreach (var t in NativeSparseKernels.Default.SelectLargestChanges(candidates, k)) t.Dispose();
            return CpuMs() - t0;
        }));
        foreach (var c in candidates) c.Current.Dispose();
        Console.WriteLine($"   selection {selectionMs:F0} ms");

        var chosen = NativeSparseKernels.Default.SelectRandom(maskable.Select(p => p.Tensor.numel()).ToList(), maskable.Select(_ => (Tensor?)null).ToList(), k, 11);
        double sparseMs; long sparseBytes;
        using (var sparse = new PhaseOptimizer(NativeSparseKernels.Default, options, l1))
        {
            for (var i = 0; i < maskable.Count; i++)
                if (chosen[i].numel() > 0)
                    sparse.AddSparse(maskable[i].Name, maskable[i].Tensor, chosen[i], original[maskable[i].Name].reshape(-1).index_select(0, chosen[i]));
            foreach (var p in heads) sparse.AddDense(p.Name, p.Tensor, original[p.Name], applyL1: false);
            sparse.Seal();
            sparseMs = TimeSteps(() => sparse.Step(1e-4, Math.Min(1, 1 / (sparse.GradNorm() + 1e-6))));
            sparseBytes = sparse.StateBytes;
        }
        Console.WriteLine($"   sparse {sparseMs:F0} ms");

        var masks = maskable.Select((p, i) => torch.zeros(p.Tensor.numel()).index_fill_(0, chosen[i], 1f).reshape(p.Tensor.shape)).ToList();
        var all = model.parameters().ToList();
        var adamw = torch.optim.AdamW(all, lr: 1e-4);
        var baselineMs = TimeSteps(() =>
        {
            using var scope = torch.NewDisposeScope();
            (torch.stack(maskable.Select(p => (p.Tensor - original[p.Name]).abs().sum()).ToArray()).sum() * l1).backward();
            using (torch.no_grad()) for (var i = 0; i < maskable.Count; i++) maskable[i].Tensor.grad!.mul_(masks[i]);
            torch.nn.utils.clip_grad_norm_(all, 1.0);
            adamw.step();
        });
        Console.WriteLine($"   baseline {baselineMs:F0} ms");
        model.Dispose();
        return new OptimizerResult(shape, total, k, fullMs, sparseMs, baselineMs, selectionMs, fullBytes, sparseBytes, total * 4 * 4);
    }

    private static int Child(string variant, EncoderShape shape, int steps)
    {
        using (torch.ones(1) + 1) { }
        var runtime = ReadStatus("VmRSS:");
        if (variant == "baseline")
        {
            Baseline(shape, steps, out _);
        }
        else
        {
            var (model, parameters) = Build(shape);
            var options = variant == "sparse" ? Options(steps, SelectionMethod.Random) : Options(steps, fullSteps: steps) with { SparsePhase = PhaseLength.Steps(0) };
            new LtSftTrainer<MlmBatch>(model, parameters, Loss(model, shape), Data(shape), options).Train();
        }
        var modelOnly = ModelResidentMiB(shape);
        Console.WriteLine($"PEAK {(ReadStatus("VmHWM:") - runtime).ToString(CultureInfo.InvariantCulture)} {modelOnly.ToString(CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>Parameter bytes of the model (what any variant must hold), in MiB.</summary>
    private static double ModelResidentMiB(EncoderShape shape)
    {
        using var model = new EncoderMlm(shape);
        return model.parameters().Sum(p => p.numel()) * 4 / 1048576.0;
    }

    private static double ReadStatus(string key) =>
        double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

    private static ChildResult RunChild(string variant, EncoderShape shape, int steps)
    {
        var self = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(EngineBenchmark).Assembly.Location}\" " : "";
        var info = new ProcessStartInfo(self, $"{prefix}--engine --engine-child {variant} --shape \"{shape.Name}\" --steps {steps}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("PEAK ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"child {variant} failed (exit {process.ExitCode}): {output}");
        var parts = line.Split(' ');
        return new ChildResult(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// CPU time of this process so far. The shared 2-core machine runs at a load of 20-30, so wall time mostly
    /// measures the neighbours; with one torch thread, CPU time measures the work.
    /// </summary>
    private static double CpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    private static void Write(List<ShapeResult> results, int steps, OptimizerResult? o)
    {
        var docs = FindDocs();
        var md = new StringBuilder();
        md.AppendLine("# LT-SFT engine benchmark");
        md.AppendLine();
        md.AppendLine($"Generated by `dotnet run -c Release --project tests/DslSft.Benchmarks -- --engine{(o is not null ? " --bert-base" : "")} --steps {steps}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC,");
        md.AppendLine($"{Environment.ProcessorCount} cores, TorchSharp CPU ({torch.get_num_threads()} threads), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
        md.AppendLine($"Batch {Batch} × {Length}, MLM loss, K = {Proportion:P0} of maskable entries, L1 = {L1} in both phases, clipping at 1.0.");
        md.AppendLine("Step times are medians of **CPU time** per update (one torch thread; the shared machine's load makes wall time meaningless) over the timed updates (the first update of each phase is warm-up). Kernels: `NativeSparseKernels.Default` (the generated multi-tensor AdamW and the native top-K when libdslsft_native loads, as the trainer uses by default).");
        md.AppendLine("Baseline = the original's sparse phase: torch AdamW over every parameter, a dense float mask multiplied into the gradients, L1 as an autograd loss, clip_grad_norm_.");
        md.AppendLine("Peak memory = VmHWM of a child process that builds the model and runs only that variant (2 updates), minus the process's RSS before the model was built (.NET + libtorch runtime).");
        md.AppendLine();
        md.AppendLine("| model | params | K | full step (CPU ms) | sparse step (CPU ms) | baseline sparse step (CPU ms) | sparse / full | sparse / baseline | selection (CPU ms) | peak baseline (MiB) | peak sparse (MiB) | peak full (MiB) | sparse / baseline peak |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var t = r.Timing;
            md.AppendLine($"| {r.Shape.Name} (h{r.Shape.Hidden}, L{r.Shape.Layers}, V{r.Shape.Vocabulary}) | {t.Total / 1e6:F1}M | {t.K:N0} | {t.FullMs:F0} | {t.SparseMs:F0} | {t.BaselineMs:F0} | {t.SparseMs / t.FullMs:F2} | {t.SparseMs / t.BaselineMs:F2} | {t.SelectionMs:F0} | {r.Memory["baseline"].PeakMiB:F0} | {r.Memory["sparse"].PeakMiB:F0} | {r.Memory["full"].PeakMiB:F0} | {r.Memory["sparse"].PeakMiB / r.Memory["baseline"].PeakMiB:F2} |");
        }
        md.AppendLine();
        md.AppendLine("Model parameters alone (float32): " + string.Join(", ", results.Select(r => $"{r.Shape.Name} {r.Memory["sparse"].ModelMiB:F0} MiB")) + ".");
        if (o is not null)
        {
            md.AppendLine();
            md.AppendLine($"## {o.Shape.Name}: the engine's share of an update (no forward/backward)");
            md.AppendLine();
            md.AppendLine("Gradient norm + AdamW update with fixed random gradients; the forward/backward pass, identical for every variant, is left out. State = optimizer moments, θ0 copies, masks/indices held for training.");
            md.AppendLine();
            md.AppendLine("| params | K | full (CPU ms) | sparse (CPU ms) | baseline (CPU ms) | sparse / full | sparse / baseline | selection (CPU ms) | state full (MiB) | state sparse (MiB) | state baseline (MiB) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            md.AppendLine($"| {o.Total / 1e6:F1}M | {o.K:N0} | {o.FullMs:F0} | {o.SparseMs:F0} | {o.BaselineMs:F0} | {o.SparseMs / o.FullMs:F2} | {o.SparseMs / o.BaselineMs:F2} | {o.SelectionMs:F0} | {o.FullStateBytes / 1048576.0:F0} | {o.SparseStateBytes / 1048576.0:F1} | {o.BaselineStateBytes / 1048576.0:F0} |");
        }
        File.WriteAllText(Path.Combine(docs, "engine.results.md"), md.ToString());
        File.WriteAllText(Path.Combine(docs, "engine.json"), JsonSerializer.Serialize(results.Select(r => new
        {
            model = r.Shape.Name, r.Shape.Hidden, r.Shape.Layers, r.Shape.Vocabulary, parameters = r.Timing.Total, k = r.Timing.K,
            full_step_ms = r.Timing.FullMs, sparse_step_ms = r.Timing.SparseMs, baseline_step_ms = r.Timing.BaselineMs, selection_ms = r.Timing.SelectionMs,
            peak_mib = r.Memory.ToDictionary(m => m.Key, m => m.Value.PeakMiB),
        }), new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(md);
    }

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DslSft.sln")))
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "docs", "benchmarks")).FullName;
        return Directory.GetCurrentDirectory();
    }
}
