using System.Globalization;
using DslSft.Training;

namespace DslSft.Experiments.CrossLingual;

/// <summary>Budgets and hyper-parameters of one cross-lingual transfer run.</summary>
public sealed record TransferOptions
{
    /// <summary>K of task SFTs as a share of the maskable entries (the paper: ≈8% of mBERT's body).</summary>
    public double TaskDensity { get; init; } = 0.08;
    /// <summary>K of language SFTs as a share of the maskable entries (the paper: ≈4.3%).</summary>
    public double LanguageDensity { get; init; } = 0.043;

    public PhaseLength LanguageFullPhase { get; init; } = PhaseLength.Steps(200);
    public PhaseLength LanguageSparsePhase { get; init; } = PhaseLength.Steps(200);
    public PhaseLength TaskFullPhase { get; init; } = PhaseLength.Steps(200);
    public PhaseLength TaskSparsePhase { get; init; } = PhaseLength.Steps(200);

    public double LanguageLearningRate { get; init; } = 5e-5;
    public double TaskLearningRate { get; init; } = 5e-5;
    public int BatchSize { get; init; } = 16;
    /// <summary>Longest training sequence in subword tokens (longer examples are dropped, as composable-sft does).</summary>
    public int MaxLength { get; init; } = 128;
    /// <summary>Use at most this many lines of each language's text (null: all).</summary>
    public int? MaxTextLines { get; init; }
    /// <summary>Use at most this many training sentences (null: all).</summary>
    public int? MaxTrainSentences { get; init; }
    /// <summary>Evaluate on at most this many test sentences per language (null: all).</summary>
    public int? MaxTestSentences { get; init; }

    /// <summary>Which adaptations to train and compose; each gives a "task only" and a "task + target language" row.</summary>
    public IReadOnlyList<TransferMethod> Methods { get; init; } = [TransferMethod.LtSft, TransferMethod.Dense, TransferMethod.RandomMask];
    /// <summary>Add a row for plain full fine-tuning of the task on the base model (no language adaptation at all).</summary>
    public bool IncludeFullFineTuning { get; init; }

    /// <summary>L1 pull toward the base weights in both phases (composable-sft's full/sparse_l1_reg; the paper uses 0.1).</summary>
    public double L1 { get; init; } = 0.1;
    /// <summary>Keep LayerNorm parameters frozen (composable-sft's --freeze_layer_norm, used in the paper's recipes).</summary>
    public bool FreezeLayerNorm { get; init; } = true;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// When the base model has no trained masked-LM head, train one (head only, on source-language text) for this
    /// many updates before any language fine-tuning; see <see cref="MlmHeadWarmup"/>. 0: never.
    /// </summary>
    public long MlmHeadWarmupSteps { get; init; }
    public double MlmHeadWarmupLearningRate { get; init; } = 1e-3;

    /// <summary>Where SFTs, training logs and loss plots go; trained SFTs found there are reused.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>A short stable description of everything that shapes a language SFT (its cache key).</summary>
    internal string LanguageKey(TransferMethod method) =>
        $"{method.Key()}-k{F(method == TransferMethod.Dense ? 1 : LanguageDensity)}-{Phases(method, LanguageFullPhase, LanguageSparsePhase)}-lr{F(LanguageLearningRate)}{Common}-n{MaxTextLines?.ToString(CultureInfo.InvariantCulture) ?? "all"}{HeadWarmupKey}";

    /// <summary>The head warm-up's settings (part of every language key: the language SFTs start from that head).</summary>
    internal string HeadWarmupKey => MlmHeadWarmupSteps > 0 ? $"-hw{MlmHeadWarmupSteps}-{F(MlmHeadWarmupLearningRate)}" : "";

    internal string TaskKey(TransferMethod method) =>
        $"{method.Key()}-k{F(method == TransferMethod.Dense ? 1 : TaskDensity)}-{Phases(method, TaskFullPhase, TaskSparsePhase)}-lr{F(TaskLearningRate)}{Common}-n{MaxTrainSentences?.ToString(CultureInfo.InvariantCulture) ?? "all"}";

    /// <summary>Settings shared by language and task runs: batch size, sequence length, L1, LayerNorm freezing, seed.</summary>
    private string Common => $"-b{BatchSize}-len{MaxLength}-l1{F(L1)}{(FreezeLayerNorm ? "-fln" : "")}-s{Seed}";

    private static string Phases(TransferMethod method, PhaseLength full, PhaseLength sparse) => method switch
    {
        TransferMethod.LtSft => $"f{Describe(full)}-p{Describe(sparse)}",
        TransferMethod.Dense => $"d{Describe(full)}",
        _ => $"p{Describe(sparse)}",
    };

    private static string Describe(PhaseLength length) =>
        length.MaxSteps is { } steps ? steps.ToString(CultureInfo.InvariantCulture) : $"{F(length.MaxEpochs ?? 0)}ep";

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
