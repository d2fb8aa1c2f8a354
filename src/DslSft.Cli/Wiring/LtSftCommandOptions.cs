using System.CommandLine;
using DslSft.Engine;
using DslSft.Engine.Optimizers;
using DslSft.Training;

namespace DslSft.Cli.Wiring;

/// <summary>
/// The LT-SFT options train-lang and train-task share (sparsity, phase lengths, optimiser, freezing), with
/// defaults per command as composable-sft's example scripts set them (language SFTs: L1 0.1, LayerNorms and
/// MLM decoder frozen; task SFTs: no L1, LayerNorms frozen).
/// </summary>
public sealed class LtSftCommandOptions
{
    public Option<long?> NumParams { get; } = new("--num-params") { Description = "K: the number of parameters the SFT may change (composable-sft's ft_params_num).", HelpName = "K" };
    public Option<double?> Proportion { get; } = new("--proportion") { Description = "K as a proportion of the maskable parameters, in (0, 1].", HelpName = "p" };
    public Option<long> FullSteps { get; } = new("--full-steps") { Description = "Steps of the full fine-tuning phase per iteration.", DefaultValueFactory = _ => 100 };
    public Option<long> SparseSteps { get; } = new("--sparse-steps") { Description = "Steps of the sparse fine-tuning phase per iteration.", DefaultValueFactory = _ => 100 };
    public Option<int> Iterations { get; } = new("--iterations") { Description = "Selection iterations (n_ft_iterations).", DefaultValueFactory = _ => 1 };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Peak learning rate (linear decay).", DefaultValueFactory = _ => 5e-5 };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 8 };
    public Option<long> Warmup { get; } = new("--warmup") { Description = "Warm-up steps.", DefaultValueFactory = _ => 0 };
    public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "Weight decay (decoupled for AdamW and Lion, L2 for SGD).", DefaultValueFactory = _ => 0f };
    public Option<double> L1 { get; }
    public Option<bool> FreezeLayerNorm { get; }
    public Option<bool> FreezeEmbeddings { get; } = new("--freeze-embeddings") { Description = "Exclude the embeddings from the maskable set." };
    public Option<bool> GradientCheckpointing { get; } = new("--gradient-checkpointing")
    {
        Description = "Recompute each encoder layer's activations in backward (as transformers' --gradient_checkpointing): less memory, about one more forward pass per update.",
    };
    public Option<bool> FreezeDecoder { get; }
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue an interrupted run of the same command from the checkpoint it left beside the output (.NAME.resume/); the result equals an uninterrupted run." };
    public Option<long> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Also write a resumable checkpoint every N updates (default 0: at phase ends and on interruption only), so that even a killed run can resume.", HelpName = "N", DefaultValueFactory = _ => 0 };

    public Option<string> Selection { get; } = new Option<string>("--selection")
    {
        Description = "How the K entries are chosen: 'magnitude' (LT-SFT: full fine-tuning, then the K entries that moved most) or 'random' (the random-mask baseline: K entries drawn with --seed, no full phase).",
        DefaultValueFactory = _ => "magnitude",
    }.AcceptOnlyFromAmong("magnitude", "random");
    public Option<string> Optimizer { get; } = new Option<string>("--optimizer")
    {
        Description = "Update rule of both phases: 'adamw' (composable-sft's), 'sgd' (torch.optim.SGD, see --momentum) or 'lion' (Chen et al. 2023, β1 0.9, β2 0.99; use a learning rate 3-10x smaller than AdamW's).",
        DefaultValueFactory = _ => "adamw",
    }.AcceptOnlyFromAmong("adamw", "sgd", "lion");
    public Option<float> Momentum { get; } = new("--momentum") { Description = "SGD momentum (--optimizer sgd only; default 0).", DefaultValueFactory = _ => 0f };
    public Option<long> EvalEvery { get; } = new("--eval-every")
    {
        Description = "Evaluate on --validation every N updates of each phase (default 0: at the end of each phase only); logged to train_log.jsonl.",
        HelpName = "N", DefaultValueFactory = _ => 0,
    };
    public Option<string> BestMetric { get; } = new("--best-metric")
    {
        Description = "Keep the best evaluated state of each phase by this validation metric (e.g. loss, accuracy, las, f1) and load it at the phase's end (transformers' load_best_model_at_end); lower is better for names ending in 'loss', higher otherwise.",
        HelpName = "name",
    };
    public Option<bool> FreezeHead { get; } = new("--freeze-head") { Description = "Keep the task head at its initial values (composable-sft's --freeze_head)." };
    public Option<bool> UntieEmbeddings { get; } = new("--untie-embeddings") { Description = "Train the MLM decoder as its own dense head instead of tying it to the word embeddings (composable-sft's --untie_embeddings; needs --freeze-decoder false)." };

    public LtSftCommandOptions(double defaultL1, bool freezeDecoder)
    {
        L1 = new("--l1") { Description = "L1 regularisation towards the pre-trained weights (full and sparse phases).", DefaultValueFactory = _ => defaultL1 };
        FreezeLayerNorm = new("--freeze-layer-norm") { Description = "Exclude LayerNorm parameters from the maskable set (default true; '--freeze-layer-norm false' trains them).", DefaultValueFactory = _ => true };
        FreezeDecoder = new("--freeze-decoder") { Description = $"Keep the MLM decoder frozen (default {freezeDecoder.ToString().ToLowerInvariant()}).", DefaultValueFactory = _ => freezeDecoder };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { NumParams, Proportion, Selection, FullSteps, SparseSteps, Iterations, LearningRate, Optimizer, Momentum, BatchSize, Warmup, WeightDecay, L1,
                     FreezeLayerNorm, FreezeEmbeddings, FreezeDecoder, FreezeHead, UntieEmbeddings, EvalEvery, BestMetric, GradientCheckpointing, Resume, CheckpointEvery })
            command.Options.Add(option);
    }

    public int BatchSizeOf(ParseResult parse) => Positive(parse.GetValue(BatchSize), "--batch-size");

    /// <summary>
    /// The engine options; usage mistakes (no K, both K forms, non-positive lengths) are <see cref="InvalidInputException"/>s,
    /// and so is a --resume with nothing to resume or a new run over an interrupted one without <paramref name="overwrite"/>.
    /// </summary>
    public LtSftOptions Read(ParseResult parse, int seed, string outputDirectory, bool overwrite)
    {
        TrainingWorkDirectory.CheckState(outputDirectory, parse.GetValue(Resume), overwrite);
        long? count = parse.GetValue(NumParams);
        double? proportion = parse.GetValue(Proportion);
        if (count is null == proportion is null) throw new InvalidInputException("give exactly one of --num-params and --proportion");
        if (count is < 0) throw new InvalidInputException($"--num-params must be non-negative, got {count}");
        if (proportion is <= 0 or > 1) throw new InvalidInputException($"--proportion must be in (0, 1], got {proportion}");
        double l1 = parse.GetValue(L1);
        string? best = parse.GetValue(BestMetric);
        if (best is not null && string.IsNullOrWhiteSpace(best)) throw new InvalidInputException("--best-metric needs a metric name (e.g. loss, accuracy, las)");
        bool freezeDecoder = parse.GetValue(FreezeDecoder), untie = parse.GetValue(UntieEmbeddings);
        if (freezeDecoder && untie)
            throw new InvalidInputException("--untie-embeddings trains the MLM decoder, --freeze-decoder keeps it frozen: give '--freeze-decoder false' with --untie-embeddings");
        if (parse.GetValue(Selection) == "random" && parse.GetResult(FullSteps) is { Implicit: false })
            throw new InvalidInputException("--full-steps has no effect with --selection random: a random mask needs no full phase (give --sparse-steps only)");
        return new LtSftOptions
        {
            Method = parse.GetValue(Selection) == "random" ? SelectionMethod.Random : SelectionMethod.LotteryTicket,
            Optimizer = ReadOptimizer(parse),
            TunableCount = count,
            TunableProportion = proportion,
            Iterations = Positive(parse.GetValue(Iterations), "--iterations"),
            FullPhase = PhaseLength.Steps(Positive(parse.GetValue(FullSteps), "--full-steps")),
            SparsePhase = PhaseLength.Steps(Positive(parse.GetValue(SparseSteps), "--sparse-steps")),
            LearningRate = parse.GetValue(LearningRate),
            WarmupSteps = parse.GetValue(Warmup),
            WeightDecay = parse.GetValue(WeightDecay),
            FullL1 = l1,
            SparseL1 = l1,
            Masking = new MaskingPolicy
            {
                FreezeLayerNorm = parse.GetValue(FreezeLayerNorm),
                FreezeEmbeddings = parse.GetValue(FreezeEmbeddings),
                FreezeDecoder = freezeDecoder,
                FreezeHead = parse.GetValue(FreezeHead),
                UntieEmbeddings = untie,
            },
            EvaluateEvery = NonNegative(parse.GetValue(EvalEvery), "--eval-every"),
            LoadBestAtEnd = best is not null,
            BestMetric = best ?? "loss",
            GreaterIsBetter = best is not null && !best.EndsWith("loss", StringComparison.Ordinal),
            GradientCheckpointing = parse.GetValue(GradientCheckpointing),
            Seed = seed,
            OutputDirectory = outputDirectory,
            Resume = parse.GetValue(Resume),
            CheckpointEvery = NonNegative(parse.GetValue(CheckpointEvery), "--checkpoint-every"),
        };
    }

    private IOptimizerRule ReadOptimizer(ParseResult parse)
    {
        var name = parse.GetValue(Optimizer);
        float momentum = parse.GetValue(Momentum);
        if (momentum != 0f && name != "sgd") throw new InvalidInputException($"--momentum applies to --optimizer sgd only, not {name}");
        if (!(momentum >= 0f && momentum < 1f)) throw new InvalidInputException($"--momentum must be in [0, 1), got {momentum}");
        return name switch
        {
            "sgd" => new SgdRule(momentum),
            "lion" => new LionRule(),
            _ => new AdamWRule(),
        };
    }

    private static T NonNegative<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value >= T.Zero ? value : throw new InvalidInputException($"{name} must be 0 or more, got {value}");

    private static T Positive<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new InvalidInputException($"{name} must be positive, got {value}");
}
