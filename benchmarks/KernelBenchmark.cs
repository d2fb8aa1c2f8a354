using System.Diagnostics;
using System.Globalization;
using System.Text;
using DslSft.Kernels;
using DslSft.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// The multi-tensor sparse AdamW step (generated kernel, one native call over ~200 tensors) against the
/// reference method in TorchSharp (grad *= mask, then dense torch.optim.AdamW over all N parameters), in
/// the same run, on BERT-base-like shapes (N ≈ 110M floats). Reports medians, ratios, optimizer-state bytes
/// and achieved bandwidth beside a STREAM-like copy measured in the same run. Writes docs/benchmarks/kernels.md.
/// </summary>
internal static class KernelBenchmark
{
    private const float Lr = 2e-5f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f, WeightDecay = 0.01f;

    // Bytes each selected element moves in the sparse step: param r/w, grad r, m r/w, v r/w, θ0 r, index r.
    private const int SparseBytesPerElement = 8 + 4 + 8 + 8 + 4 + 8;
    // Dense reference per element: grad *= mask (grad r/w, mask r) + AdamW (param r/w, grad r, m r/w, v r/w).
    private const int DenseBytesPerElement = 12 + 28;

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        var outIndex = Array.IndexOf(args, "--out");
        var output = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(RepositoryRoot(), "docs", "benchmarks", "kernels.md");
        if (!NativeLibraryInfo.IsAvailable)
        {
            Console.Error.WriteLine("kernels benchmark: " + NativeLibraryInfo.LoadError);
            return 1;
        }
        var shapes = BertBaseShapes(quick ? 3 : 12, quick ? 3000 : 30522);
        long n = shapes.Sum(s => s.Shape.Aggregate(1L, (a, b) => a * b));
        Console.WriteLine($"kernels: {shapes.Count} tensors, N = {n:N0} floats, torch threads {get_num_threads()}, native threads {NativeLibraryInfo.Current!.Threads}, load {LoadAverage()}");

        var parameters = shapes.Select(s => new Parameter(empty(s.Shape).normal_(0, 0.02))).ToList();
        var grads = shapes.Select(s => empty(s.Shape).normal_(0, 1e-3)).ToList();
        for (int t = 0; t < parameters.Count; t++) parameters[t].grad = grads[t];

        var copy = MeasureCopy(n, quick ? 3 : 5);
        Console.WriteLine($"copy: {copy.Seconds * 1e3:F1} ms, {copy.GBps:F1} GB/s");

        var rows = new List<Row>();
        foreach (var density in new[] { 0.01, 0.08 })
            rows.Add(Measure(shapes, parameters, grads, density, quick));

        var report = Report(shapes.Count, n, copy, rows, quick);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output + ".tmp", report);
        File.Move(output + ".tmp", output, overwrite: true);
        Console.WriteLine(report);
        return 0;
    }

    private sealed record Measurement(double Seconds, double GBps);

    private sealed record Row(double Density, long K, double SetupSeconds, double SparseSeconds, double TableSeconds, double ManagedSeconds,
        double DenseSeconds, long SparseStateBytes, long DenseStateBytes, long MaskBytes, double SparseGBps, double DenseGBps);

    private static Row Measure(List<(string Name, long[] Shape)> shapes, List<Parameter> parameters, List<Tensor> grads, double density, bool quick)
    {
        var sizes = shapes.Select(s => s.Shape.Aggregate(1L, (a, b) => a * b)).ToArray();
        var generator = new Generator(42);
        var masks = sizes.Select(size => rand(size, generator: generator).lt_(density)).ToList();
        var indices = masks.Select(m => m.nonzero().flatten().contiguous()).ToList();

        var setup = Stopwatch.StartNew();
        var set = SparseTensorSet.Create(indices, sizes, shapes.Select(s => s.Name).ToList());
        var m = zeros(set.TotalCount); var v = zeros(set.TotalCount); var theta0 = zeros(set.TotalCount);
        Gather.MultiTensor(set, parameters, theta0);
        setup.Stop();
        long k = set.TotalCount;
        // The sparse phase's gradient arrives compact (sampled weight gradients), so the step reads K gradient floats.
        var compactGrads = zeros(k);
        Gather.MultiTensor(set, grads, compactGrads);
        Console.WriteLine($"density {density:P0}: K = {k:N0}, set + state + θ0 gather {setup.Elapsed.TotalMilliseconds:F0} ms");

        int step = 0;
        void SparseStep(KernelBackend backend)
        {
            step++;
            DslSft.Kernels.AdamW.MultiTensor(set, parameters, compactGrads, m, v, theta0, Lr, Beta1, Beta2, Eps, WeightDecay,
                1f - MathF.Pow(Beta1, step), 1f - MathF.Pow(Beta2, step), l1: 0f, backend);
        }
        var sparse = BenchmarkTiming.MedianSeconds(quick ? 3 : 9, () => SparseStep(KernelBackend.Native), warmUp: false);
        // the per-call C# part of the sparse step: checking every tensor and collecting its address
        var tables = BenchmarkTiming.MedianSeconds(quick ? 3 : 9, () =>
        {
            KernelArguments.Table(parameters, "param", set);
        }, warmUp: false);
        Console.WriteLine($"  pointer tables (C#, per call): {tables * 1e3:F2} ms");
        var managed = BenchmarkTiming.MedianSeconds(quick ? 1 : 3, () => SparseStep(KernelBackend.Managed), warmUp: false);
        Console.WriteLine($"  sparse multi-tensor AdamW: native {sparse * 1e3:F2} ms, C# fallback {managed * 1e3:F1} ms");

        // reference: mask the gradients, then dense AdamW over every parameter
        var floatMasks = masks.Select((mask, t) => mask.to(ScalarType.Float32).reshape(shapes[t].Shape)).ToList();
        var optimizer = optim.AdamW(parameters, Lr, Beta1, Beta2, Eps, WeightDecay);
        void DenseStep()
        {
            using var _ = no_grad();
            for (int t = 0; t < grads.Count; t++) grads[t].mul_(floatMasks[t]);
            optimizer.step();
        }
        DenseStep(); // first step allocates the optimizer state; not timed
        var dense = BenchmarkTiming.MedianSeconds(quick ? 2 : 3, DenseStep, warmUp: false);
        Console.WriteLine($"  dense masked torch AdamW: {dense * 1e3:F1} ms  (ratio {dense / sparse:F1}x)");

        long n = sizes.Sum();
        var row = new Row(density, k, setup.Elapsed.TotalSeconds, sparse, tables, managed, dense,
            SparseStateBytes: k * (3 * 4 + 8), DenseStateBytes: n * 2 * 4, MaskBytes: n * 4,
            SparseGBps: k * (double)SparseBytesPerElement / sparse / 1e9, DenseGBps: n * (double)DenseBytesPerElement / dense / 1e9);

        optimizer.Dispose();
        foreach (var t in floatMasks.Concat(masks).Concat(indices)) t.Dispose();
        m.Dispose(); v.Dispose(); theta0.Dispose();
        GC.Collect();
        return row;
    }

    private static Measurement MeasureCopy(long n, int repetitions)
    {
        using var source = empty(n).fill_(1f);
        using var destination = empty(n).fill_(0f);
        var seconds = BenchmarkTiming.MedianSeconds(repetitions, () => destination.copy_(source), warmUp: false);
        return new Measurement(seconds, 2.0 * n * 4 / seconds / 1e9);
    }


    /// <summary>BERT-base parameter shapes (HF names): embeddings, 12 encoder layers, pooler; ~110M floats in ~200 tensors.</summary>
    private static List<(string Name, long[] Shape)> BertBaseShapes(int layers, long vocabulary)
    {
        const long hidden = 768, ffn = 3072;
        var list = new List<(string, long[])>
        {
            ("embeddings.word_embeddings.weight", [vocabulary, hidden]),
            ("embeddings.position_embeddings.weight", [512, hidden]),
            ("embeddings.token_type_embeddings.weight", [2, hidden]),
            ("embeddings.LayerNorm.weight", [hidden]),
            ("embeddings.LayerNorm.bias", [hidden]),
        };
        for (int l = 0; l < layers; l++)
        {
            var p = $"encoder.layer.{l}.";
            foreach (var proj in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                list.Add((p + proj + ".weight", [hidden, hidden]));
                list.Add((p + proj + ".bias", [hidden]));
            }
            list.Add((p + "attention.output.LayerNorm.weight", [hidden]));
            list.Add((p + "attention.output.LayerNorm.bias", [hidden]));
            list.Add((p + "intermediate.dense.weight", [ffn, hidden]));
            list.Add((p + "intermediate.dense.bias", [ffn]));
            list.Add((p + "output.dense.weight", [hidden, ffn]));
            list.Add((p + "output.dense.bias", [hidden]));
            list.Add((p + "output.LayerNorm.weight", [hidden]));
            list.Add((p + "output.LayerNorm.bias", [hidden]));
        }
        list.Add(("pooler.dense.weight", [hidden, hidden]));
        list.Add(("pooler.dense.bias", [hidden]));
        return list;
    }

    private static string Report(int tensors, long n, Measurement copy, List<Row> rows, bool quick)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine("# Kernel benchmark: multi-tensor sparse AdamW vs masked dense AdamW");
        s.AppendLine();
        s.AppendLine("Generated by `dotnet run -c Release --project benchmarks -- --kernels`" + (quick ? " (--quick: reduced sizes, not representative)" : "") + ".");
        s.AppendLine(FormattableString.Invariant($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores (load average {LoadAverage()} at the end: the machine is shared, so absolute times are noisy; both methods ran in the same process, interleaved by density), torch threads {get_num_threads()}, native OpenMP threads {NativeLibraryInfo.Current!.Threads}, native library {NativeLibraryInfo.Current.Version}."));
        s.AppendLine();
        s.AppendLine(FormattableString.Invariant($"Model: {tensors} parameter tensors with BERT-base shapes, N = {n:N0} float32 parameters (all maskable). Each tensor keeps a random subset of its elements (density d) as sorted flat indices."));
        s.AppendLine();
        s.AppendLine("- **sparse**: `AdamW.MultiTensor(set, params, g, m, v, θ0, ...)`: the generated OpenMP kernel, one native call for every tensor; compact gradient g and state (m, v, θ0) of K floats each; timing includes building the per-call pointer tables in C#.");
        s.AppendLine("- **reference**: TorchSharp `grad.mul_(mask)` for every tensor, then `torch.optim.AdamW.step()` over all N parameters (what the Python LT-SFT implementation does).");
        s.AppendLine("- **C# fallback**: the same generated rule as a single-threaded C# loop (used when the native library is absent).");
        s.AppendLine();
        s.AppendLine(FormattableString.Invariant($"STREAM-like copy (`dst.copy_(src)`, {n * 4 / 1e6:F0} MB each way): **{copy.GBps:F1} GB/s** ({copy.Seconds * 1e3:F1} ms, counting read + write)."));
        s.AppendLine();
        s.AppendLine("| density | K | sparse step (median) | of which C# tables | reference step (median) | speed-up | C# fallback | sparse state (m, v, θ0, indices) | reference state (m, v) + mask | sparse GB/s | reference GB/s |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            s.AppendLine(string.Format(c, "| {0:P0} | {1:N0} | {2:F2} ms | {11:F2} ms | {3:F1} ms | **{4:F1}×** | {5:F1} ms | {6:F1} MB | {7:F0} MB + {8:F0} MB | {9:F1} | {10:F1} |",
                r.Density, r.K, r.SparseSeconds * 1e3, r.DenseSeconds * 1e3, r.DenseSeconds / r.SparseSeconds, r.ManagedSeconds * 1e3,
                r.SparseStateBytes / 1e6, r.DenseStateBytes / 1e6, r.MaskBytes / 1e6, r.SparseGBps, r.DenseGBps, r.TableSeconds * 1e3));
        s.AppendLine();
        s.AppendLine(FormattableString.Invariant($"Bandwidth counts useful bytes: {SparseBytesPerElement} B per selected element for the sparse step (param r/w, grad r, m r/w, v r/w, θ0 r, int64 index r) and {DenseBytesPerElement} B per parameter for the reference (mask multiply + AdamW). The sparse step's parameter and gradient accesses are gathers, so each touches a whole cache line: its useful-byte rate understates the traffic."));
        s.AppendLine();
        s.AppendLine("Reading the numbers: the reference touches all N parameters (and allocates 8N bytes of moments plus a 4N-byte mask), the sparse step only the K selected ones, so the speed-up grows with 1/density until the sparse step's random-access gathers dominate. On a shared, oversubscribed machine (see the load average) both methods run far below the copy bandwidth; the ratio, measured in the same process, is the meaningful figure. The C# fallback runs the same generated rule single-threaded.");
        s.AppendLine();
        s.AppendLine("One-time costs, not in the step times: building the `SparseTensorSet` (validates every index once) + allocating state + gathering θ0: " +
            string.Join(", ", rows.Select(r => string.Format(c, "{0:F0} ms at {1:P0}", r.SetupSeconds * 1e3, r.Density))) + ".");
        return s.ToString();
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "DslSft.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
