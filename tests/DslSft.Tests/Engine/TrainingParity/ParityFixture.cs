using System.Text.Json;
using DslSft.Engine;
using DslSft.Models;
using DslSft.Sft.Formats;
using DslSft.Tests.Infrastructure;
using DslSft.Training;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Engine.TrainingParity;

/// <summary>
/// One of composable-sft's recorded LT-SFT runs on tiny-bert (../shared/fixtures/composable-sft/train-parity-*, see
/// their README.md): the stored batches, the run's settings as our options, and what the original produced (per-step
/// losses and grad norms, the selected mask, the trained parameters and the SFT it saved).
/// </summary>
internal sealed class ParityFixture
{
    public const int Steps = 12;
    public const long K = 500;

    private ParityFixture(string name, bool detachedL1)
    {
        Name = name;
        Root = SharedData.Fixture("composable-sft", name);
        Dir = detachedL1 ? Path.Combine(Root, "l1-detached") : Root;
        DetachedL1 = detachedL1;
    }

    /// <param name="name">train-parity-mlm or train-parity-tokcls.</param>
    /// <param name="detachedL1">The l1-detached variant (the L1 term acts, as the paper describes).</param>
    public static ParityFixture Load(string name, bool detachedL1) => new(name, detachedL1);

    public string Name { get; }
    public string Root { get; }
    public string Dir { get; }
    public bool DetachedL1 { get; }
    public bool IsMaskedLM => Name.EndsWith("mlm", StringComparison.Ordinal);

    /// <summary>
    /// The README's tolerance for the parameters after the full phase: rounding alone moves word-embedding entries with
    /// tiny gradients by up to 1.2e-6 (MLM) and 1.1e-5 (token classification) there.
    /// </summary>
    public double AfterFullPhaseTolerance => IsMaskedLM ? 1e-5 : 5e-5;

    /// <summary>The fixture's options: K 500, 12 + 12 steps, lr 1e-3 linear, clipping 1.0, L1 0.1/0.1, LayerNorms frozen.</summary>
    public LtSftOptions Options => new()
    {
        TunableCount = K,
        FullPhase = PhaseLength.Steps(Steps),
        SparsePhase = PhaseLength.Steps(Steps),
        LearningRate = 1e-3,
        MaxGradNorm = 1.0,
        FullL1 = 0.1,
        SparseL1 = 0.1,
        L1Mode = DetachedL1 ? L1Mode.Paper : L1Mode.ComposableSft,
        Masking = new MaskingPolicy { FreezeLayerNorm = true, FreezeDecoder = IsMaskedLM },
        Seed = 42,
    };

    /// <summary>tiny-bert with the fixture's dropout-free config (and, for token classification, the stored initial classifier).</summary>
    public ITransformerModel LoadModel()
    {
        var tinyBert = SharedData.Fixture("tiny-bert");
        var options = new HfLoadOptions
        {
            ConfigFile = Path.Combine(Root, "model_config.json"),
            ExtraWeightFiles = IsMaskedLM ? [] : [Path.Combine(tinyBert, "token-classification", "head.safetensors")],
        };
        var loaded = HfModel.Load(tinyBert, IsMaskedLM ? ModelHead.MaskedLM : ModelHead.TokenClassification, options);
        return loaded.Model;
    }

    /// <summary>The 24 stored batches in execution order, as one epoch (the full phase reads 0-11, the sparse phase 12-23).</summary>
    public ITrainingData<ModelBatch> Batches()
    {
        var tensors = SafeTensorsFile.Read(Path.Combine(Root, "batches.safetensors")).Tensors;
        var batches = Enumerable.Range(0, 2 * Steps).Select(i => new ModelBatch(tensors[$"step_{i:00}.input_ids"], tensors[$"step_{i:00}.attention_mask"])
        {
            TokenTypeIds = tensors[$"step_{i:00}.token_type_ids"],
            Labels = tensors[$"step_{i:00}.labels"],
        }).ToList();
        return new StoredBatches(batches);
    }

    /// <summary>The per-step records of loss_log.json, in execution order.</summary>
    public IReadOnlyList<(string Phase, double Loss, double GradNorm, double LearningRate)> LossLog()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "loss_log.json")));
        return json.RootElement.GetProperty("steps").EnumerateArray().Select(s => (
            s.GetProperty("phase").GetString()!, s.GetProperty("loss").GetDouble(),
            s.GetProperty("grad_norm_before_clip").GetDouble(), s.GetProperty("lr").GetDouble())).ToList();
    }

    /// <summary>The selected entries per maskable tensor, as sorted row-major flat indices.</summary>
    public IReadOnlyDictionary<string, long[]> Mask()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected_mask.json")));
        return json.RootElement.GetProperty("tensors").EnumerateObject().ToDictionary(
            t => t.Name, t => t.Value.GetProperty("flat_row_major_indices").EnumerateArray().Select(i => i.GetInt64()).ToArray());
    }

    /// <summary>diagnostics.safetensors: grad_full_step00.*, grad_sparse_step00.*, after_full_phase.*, trained.*.</summary>
    public IReadOnlyDictionary<string, Tensor> Diagnostics(string prefix) =>
        SafeTensorsFile.Read(Path.Combine(Dir, "diagnostics.safetensors")).Tensors
            .Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value);

    /// <summary>The SFT the original saved (pytorch_diff.bin), read by our importer.</summary>
    public DslSft.Sft.SparseFineTuning SavedSft() => ComposableSftFile.Import(Path.Combine(Dir, "pytorch_diff.bin"));

    public override string ToString() => DetachedL1 ? $"{Name}/l1-detached" : Name;

    private sealed class StoredBatches(IReadOnlyList<ModelBatch> batches) : ITrainingData<ModelBatch>
    {
        public long BatchesPerEpoch => batches.Count;
        public IEnumerable<ModelBatch> Epoch(int epoch) => batches;
    }
}
