using System.Globalization;
using System.Text;
using System.Text.Json;
using DslSft.Sft;
using DslSft.Sft.Formats;
using DslSft.Sft.Operations;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// SFT files and operations on a MiniLM-L12-sized parameter set (33M float32 parameters) with three random
/// 1 % SFTs. Baselines, measured in the same run: applying the SFTs one after another (composable-sft's way)
/// against the fused compose, and reverting by subtracting the diff (composable-sft's revert) against
/// restoring the saved originals. Also file round trips and the base-model checksum.
/// </summary>
internal static class SftFilesBenchmark
{
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int runs = quick ? 3 : 7;
        int layers = quick ? 2 : 12;
        torch.manual_seed(7);
        var model = BuildModel(layers);
        long parameters = model.Values.Sum(t => t.numel());
        long k = parameters / 100;
        var sfts = Enumerable.Range(0, 3).Select(i => RandomSft(model, k, seed: 100 + i)).ToArray();
        var noCheck = new SftApplyOptions { VerifyBaseModel = false };
        var rows = new List<(string Operation, double Ms, string Baseline, double BaselineMs)>();
        Console.WriteLine($"model: {parameters:N0} parameters in {model.Count} tensors; 3 SFTs with K = {k:N0} each; {runs} runs per measurement");

        // Compose: fused union vs one apply per SFT.
        AppliedSft? fused = null;
        var sequential = new List<AppliedSft>();
        double fusedMs = BenchmarkOutput.MedianMs(runs, () => fused = SftOperations.Compose(sfts, model, noCheck), teardown: () => fused!.Revert());
        double sequentialMs = BenchmarkOutput.MedianMs(runs, () => { foreach (var s in sfts) sequential.Add(SftOperations.Apply(s, model, noCheck)); },
            teardown: () => { for (int i = sequential.Count - 1; i >= 0; i--) sequential[i].Revert(); sequential.Clear(); });
        rows.Add(("compose 3 SFTs (fused, one pass)", fusedMs, "3 sequential applies", sequentialMs));

        // Apply of one SFT (includes name/shape/index-range checks).
        AppliedSft? one = null;
        double applyMs = BenchmarkOutput.MedianMs(runs, () => one = SftOperations.Apply(sfts[0], model, noCheck), teardown: () => one!.Revert());

        // Revert: restore saved originals (exact) vs subtract the diff (composable-sft; not bit-exact).
        double restoreMs = BenchmarkOutput.MedianMs(runs, () => one!.Revert(), setup: () => one = SftOperations.Apply(sfts[0], model, noCheck));
        double subtractMs = BenchmarkOutput.MedianMs(runs, () =>
        {
            // The same gather / arithmetic / scatter as our apply, with a subtraction instead of saved values.
            using var _ = no_grad();
            foreach (var (name, d) in sfts[0].Diffs)
            {
                using var flat = model[name].view(-1);
                using var current = flat.index_select(0, d.Indices);
                using var restored = current.sub(d.Values);
                flat.index_copy_(0, d.Indices, restored);
            }
        }, setup: () => one = SftOperations.Apply(sfts[0], model, noCheck), teardown: () => { one!.Revert(); });
        rows.Add(("apply 1 SFT", applyMs, "", double.NaN));
        rows.Add(("revert 1 SFT (restore saved originals, exact)", restoreMs, "subtract the diff (x + d - d)", subtractMs));

        // Merge and checksum.
        double mergeMs = BenchmarkOutput.MedianMs(runs, () => SftOperations.Merge(sfts));
        rows.Add(("merge 3 SFTs into one", mergeMs, "", double.NaN));
        var sft = sfts[0].WithMetadata(new SftMetadata { BaseModel = "bench", BaseModelChecksum = ModelChecksum.ForSft(model, sfts[0]), Method = "random", K = k });
        double checksumMs = BenchmarkOutput.MedianMs(runs, () => ModelChecksum.ForSft(model, sft));
        rows.Add(($"base-model checksum (SHA-256 over {parameters * 4 / 1e6:F0} MB)", checksumMs, "", double.NaN));

        // Files.
        var dir = Path.Combine(Path.GetTempPath(), $"dslsft-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var ours = Path.Combine(dir, "sft.safetensors");
            var theirs = Path.Combine(dir, "pytorch_diff.bin");
            rows.Add(("save (our safetensors format)", BenchmarkOutput.MedianMs(runs, () => SftFile.Save(sft, ours)), "", double.NaN));
            rows.Add(("load (our safetensors format)", BenchmarkOutput.MedianMs(runs, () => SftFile.Load(ours)), "", double.NaN));
            rows.Add(("export pytorch_diff.bin", BenchmarkOutput.MedianMs(runs, () => ComposableSftFile.Export(sft, theirs)), "", double.NaN));
            rows.Add(("import pytorch_diff.bin", BenchmarkOutput.MedianMs(runs, () => ComposableSftFile.Import(theirs)), "", double.NaN));
            var sizes = $"file sizes for K = {k:N0}: ours {new FileInfo(ours).Length / 1e6:F2} MB, pytorch_diff.bin {new FileInfo(theirs).Length / 1e6:F2} MB";
            Console.WriteLine(sizes);
            Write(rows, parameters, k, runs, quick, sizes);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static Dictionary<string, Tensor> BuildModel(int layers)
    {
        var model = new Dictionary<string, Tensor>
        {
            ["bert.embeddings.word_embeddings.weight"] = randn(30522, 384),
            ["bert.embeddings.position_embeddings.weight"] = randn(512, 384),
            ["bert.embeddings.token_type_embeddings.weight"] = randn(2, 384),
        };
        for (int l = 0; l < layers; l++)
        {
            var p = $"bert.encoder.layer.{l}.";
            foreach (var m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                model[p + m + ".weight"] = randn(384, 384);
                model[p + m + ".bias"] = randn(384);
            }
            model[p + "intermediate.dense.weight"] = randn(1536, 384);
            model[p + "intermediate.dense.bias"] = randn(1536);
            model[p + "output.dense.weight"] = randn(384, 1536);
            model[p + "output.dense.bias"] = randn(384);
        }
        return model;
    }

    /// <summary>K entries spread over the tensors in proportion to their size, at random positions.</summary>
    private static SparseFineTuning RandomSft(Dictionary<string, Tensor> model, long k, int seed)
    {
        torch.manual_seed(seed);
        long total = model.Values.Sum(t => t.numel());
        var diffs = new Dictionary<string, SparseDiff>();
        foreach (var (name, t) in model)
        {
            long n = Math.Max(1, k * t.numel() / total);
            var indices = randperm(t.numel()).narrow(0, 0, n).sort().Values;
            diffs[name] = new SparseDiff(t.shape, indices, randn(n).mul(1e-3f));
        }
        return new SparseFineTuning(diffs, new Dictionary<string, Tensor>(), new SftMetadata { Method = "random", K = k });
    }

    private static void Write(List<(string Operation, double Ms, string Baseline, double BaselineMs)> rows, long parameters, long k, int runs, bool quick, string sizes)
    {
        var md = new StringBuilder();
        md.AppendLine("# SFT files and operations benchmark");
        md.AppendLine();
        md.AppendLine($"`dotnet run -c Release --project benchmarks -- --sftfiles{(quick ? " --quick" : "")}` on {Environment.ProcessorCount} CPU cores (shared machine), " +
                      $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. TorchSharp CPU index ops (`index_select` / `index_copy_`), before native kernels are plugged in. " +
                      $"Load average at the end: {LoadAverage()} (other jobs share the cores: treat ratios as rough).");
        md.AppendLine();
        md.AppendLine($"Model: {parameters:N0} float32 parameters (MiniLM-L12-shaped BERT body); three random SFTs with K = {k:N0} (1 %) each. Median of {runs} runs.");
        md.AppendLine();
        md.AppendLine("| operation | median ms | baseline (same run) | baseline ms | ours / baseline |");
        md.AppendLine("|---|---:|---|---:|---:|");
        foreach (var (op, ms, baseline, bms) in rows)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {op} | {ms:F1} | {baseline} | {(double.IsNaN(bms) ? "" : bms.ToString("F1", CultureInfo.InvariantCulture))} | {(double.IsNaN(bms) ? "" : (ms / bms).ToString("F2", CultureInfo.InvariantCulture))} |"));
        md.AppendLine();
        md.AppendLine(sizes + ".");
        md.AppendLine();
        md.AppendLine("The exact revert (restore the saved original values) is what makes apply → revert bit-identical; subtracting the diff is the composable-sft baseline and is not exact in float32.");
        var root = BenchmarkOutput.RepoRoot();
        var outDir = Path.Combine(root, "docs", "benchmarks");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "sftfiles.md"), md.ToString());
        File.WriteAllText(Path.Combine(outDir, "sftfiles.json"), JsonSerializer.Serialize(rows.Select(r => new
        {
            operation = r.Operation, median_ms = r.Ms, baseline = r.Baseline, baseline_median_ms = double.IsNaN(r.BaselineMs) ? (double?)null : r.BaselineMs,
        }), new JsonSerializerOptions { WriteIndented = true }));
        Console.Write(md);
    }
}
