using System.Globalization;
using DslSft.Training;

namespace DslSft.Engine;

/// <summary>
/// Everything that shapes an LT-SFT run. Names follow composable-sft's SftArguments and transformers'
/// TrainingArguments where there is a counterpart; defaults are theirs unless said.
/// </summary>
public sealed record LtSftOptions
{
    public SelectionMethod Method { get; init; } = SelectionMethod.LotteryTicket;
    /// <summary>K as an entry count (ft_params_num); takes precedence over <see cref="TunableProportion"/>.</summary>
    public long? TunableCount { get; init; }
    /// <summary>K as a proportion of the maskable entries (ft_params_proportion).</summary>
    public double? TunableProportion { get; init; }
    /// <summary>
    /// Random selection only: how many entries to draw in each maskable tensor (for example another SFT's allocation, so
    /// that a random mask differs from it only in which entries of each tensor it picks). Null: K drawn uniformly over all
    /// maskable entries. Tensors not listed get none.
    /// </summary>
    public IReadOnlyDictionary<string, long>? RandomCountPerTensor { get; init; }
    /// <summary>Alternating full/sparse rounds (n_ft_iterations); each selects K/n new entries, masks accumulate.</summary>
    public int Iterations { get; init; } = 1;

    public PhaseLength FullPhase { get; init; } = PhaseLength.Epochs(3);
    public PhaseLength SparsePhase { get; init; } = PhaseLength.Epochs(3);

    public double LearningRate { get; init; } = 5e-5;
    /// <summary>
    /// The update rule of both phases: null is AdamW with <see cref="Beta1"/>, <see cref="Beta2"/> and <see cref="Epsilon"/>
    /// (composable-sft's optimizer); <see cref="Optimizers.SgdRule"/> and <see cref="Optimizers.LionRule"/> are the other
    /// built-in rules, and any <see cref="Optimizers.IOptimizerRule"/> may be given.
    /// </summary>
    public Optimizers.IOptimizerRule? Optimizer { get; init; }
    /// <summary>The rule in effect (<see cref="Optimizer"/>, or AdamW with this record's betas and epsilon).</summary>
    public Optimizers.IOptimizerRule OptimizerRule => Optimizer ?? new Optimizers.AdamWRule(Beta1, Beta2, Epsilon);
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    /// <summary>Decoupled weight decay; never reaches unselected entries in the sparse phase.</summary>
    public float WeightDecay { get; init; }
    /// <summary>Parameters exempt from weight decay (transformers' default: biases and LayerNorm weights).</summary>
    public Func<string, bool> NoDecay { get; init; } = name =>
        name.EndsWith("bias", StringComparison.Ordinal) || name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal);
    public long? WarmupSteps { get; init; }
    public double WarmupRatio { get; init; }
    /// <summary>Gradient clipping by global norm; 0 or less disables it.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>L1 toward θ0 in the full phase, as λ of λ·Σ|θ − θ0| / (total parameter count); see <see cref="L1Mode"/>.</summary>
    public double FullL1 { get; init; }
    /// <summary>L1 toward θ0 in the sparse phase (same normalisation).</summary>
    public double SparseL1 { get; init; }
    /// <summary>
    /// Whether the L1 term acts. The default is composable-sft's behaviour (it does not), so that SFTs trained here
    /// match those the original published; <see cref="Engine.L1Mode.Paper"/> makes it act as the paper describes.
    /// </summary>
    public L1Mode L1Mode { get; init; } = L1Mode.ComposableSft;
    /// <summary>Apply L1 to maskable parameters only, not to dense heads (composable-sft's apply_reg_to_sparse_only, default false).</summary>
    public bool ApplyL1ToSparseOnly { get; init; }

    public MaskingPolicy Masking { get; init; } = new();

    /// <summary>
    /// Sparse phase: compute maskable weight gradients only at the selected entries (a sampled product per Linear,
    /// used rows per embedding) instead of densely, for the modules that support it. Changes float rounding only,
    /// so it is not part of <see cref="Describe"/>; off gives the dense-gradient path (a reference for tests).
    /// </summary>
    public bool SampledWeightGradients { get; init; } = true;

    /// <summary>
    /// Recompute each encoder layer's activations in backward (transformers' gradient_checkpointing), switched on for
    /// every <see cref="Models.Transformer.BertModel"/> inside the trained module: less memory, about one more
    /// forward pass per update, the same gradients. Not part of <see cref="Describe"/>: it does not change results.
    /// </summary>
    public bool GradientCheckpointing { get; init; }
    public int Seed { get; init; } = 42;

    /// <summary>Evaluate every this many updates of each phase (0: only at the end of each phase, when an evaluator is set).</summary>
    public long EvaluateEvery { get; init; }
    /// <summary>Metric that picks the best state of a phase (from the evaluator's dictionary).</summary>
    public string BestMetric { get; init; } = "loss";
    public bool GreaterIsBetter { get; init; }
    /// <summary>At the end of each phase, go back to its best evaluated state (load_best_model_at_end).</summary>
    public bool LoadBestAtEnd { get; init; }

    /// <summary>Where the JSONL log, the loss plot and checkpoints go; null keeps everything in memory.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Write a resumable checkpoint every this many updates (0: only at phase ends and on cancellation).</summary>
    public long CheckpointEvery { get; init; }
    /// <summary>Continue from the checkpoint in <see cref="OutputDirectory"/> when there is one.</summary>
    public bool Resume { get; init; }
    /// <summary>Log one step entry every this many updates.</summary>
    public long LogEvery { get; init; } = 1;

    /// <summary>K for a model with <paramref name="maskableCount"/> maskable entries.</summary>
    public long ResolveK(long maskableCount)
    {
        if (TunableCount is { } count)
        {
            if (count < 0 || count > maskableCount) throw new ArgumentException($"K = {count} is outside [0, {maskableCount}] (maskable entries)");
            return count;
        }
        if (TunableProportion is { } p)
        {
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"tunable proportion {p} is outside [0, 1]");
            return (long)(p * maskableCount);
        }
        throw new ArgumentException("K not specified: give a tunable count or proportion");
    }

    /// <summary>The options as text, for SFT metadata and checkpoint compatibility checks.</summary>
    public IReadOnlyDictionary<string, string> Describe()
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        string L(PhaseLength l) => $"min_steps={l.MinSteps?.ToString() ?? "-"},max_steps={l.MaxSteps?.ToString() ?? "-"},max_epochs={(l.MaxEpochs is { } e ? F(e) : "-")}";
        var described = new SortedDictionary<string, string>
        {
            ["method"] = Method == SelectionMethod.LotteryTicket ? "lt-sft" : "random",
            ["ft_params_num"] = TunableCount?.ToString() ?? "",
            ["ft_params_proportion"] = TunableProportion is { } p ? F(p) : "",
            ["n_ft_iterations"] = Iterations.ToString(CultureInfo.InvariantCulture),
            ["full_phase"] = L(FullPhase),
            ["sparse_phase"] = L(SparsePhase),
            ["learning_rate"] = F(LearningRate),
            ["weight_decay"] = F(WeightDecay),
            ["warmup_steps"] = WarmupSteps?.ToString() ?? "",
            ["warmup_ratio"] = F(WarmupRatio),
            ["max_grad_norm"] = F(MaxGradNorm),
            ["gradient_accumulation_steps"] = GradientAccumulation.ToString(CultureInfo.InvariantCulture),
            ["full_l1_reg"] = F(FullL1),
            ["sparse_l1_reg"] = F(SparseL1),
            ["apply_reg_to_sparse_only"] = ApplyL1ToSparseOnly.ToString(),
            ["l1_mode"] = L1Mode == L1Mode.Paper ? "paper" : "composable-sft",
            ["freeze_layer_norm"] = Masking.FreezeLayerNorm.ToString(),
            ["freeze_embeddings"] = Masking.FreezeEmbeddings.ToString(),
            ["freeze_head"] = Masking.FreezeHead.ToString(),
            ["freeze_decoder"] = Masking.FreezeDecoder.ToString(),
            ["untie_embeddings"] = Masking.UntieEmbeddings.ToString(),
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["random_count_per_tensor"] = RandomCountPerTensor is null ? "" : string.Join(",", RandomCountPerTensor.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
        };
        foreach (var (key, value) in OptimizerRule.Describe()) described[key] = value;
        return described;
    }
}
