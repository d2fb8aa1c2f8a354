using System.CommandLine;
using DslSft.Engine;
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
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Peak learning rate (AdamW, linear decay).", DefaultValueFactory = _ => 5e-5 };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 8 };
    public Option<long> Warmup { get; } = new("--warmup") { Description = "Warm-up steps.", DefaultValueFactory = _ => 0 };
    public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 0f };
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

    public LtSftCommandOptions(double defaultL1, bool freezeDecoder)
    {
        L1 = new("--l1") { Description = "L1 regularisation towards the pre-trained weights (full and sparse phases).", DefaultValueFactory = _ => defaultL1 };
        FreezeLayerNorm = new("--freeze-layer-norm") { Description = "Exclude LayerNorm parameters from the maskable set (default true; '--freeze-layer-norm false' trains them).", DefaultValueFactory = _ => true };
        FreezeDecoder = new("--freeze-decoder") { Description = $"Keep the MLM decoder frozen (default {freezeDecoder.ToString().ToLowerInvariant()}).", DefaultValueFactory = _ => freezeDecoder };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { NumParams, Proportion, FullSteps, SparseSteps, Iterations, LearningRate, BatchSize, Warmup, WeightDecay, L1, FreezeLayerNorm, FreezeEmbeddings, FreezeDecoder, GradientCheckpointing, Resume, CheckpointEvery })
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
        return new LtSftOptions
        {
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
                FreezeDecoder = parse.GetValue(FreezeDecoder),
            },
            GradientCheckpointing = parse.GetValue(GradientCheckpointing),
            Seed = seed,
            OutputDirectory = outputDirectory,
            Resume = parse.GetValue(Resume),
            CheckpointEvery = NonNegative(parse.GetValue(CheckpointEvery), "--checkpoint-every"),
        };
    }

    private static T NonNegative<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value >= T.Zero ? value : throw new InvalidInputException($"{name} must be 0 or more, got {value}");

    private static T Positive<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new InvalidInputException($"{name} must be positive, got {value}");
}
