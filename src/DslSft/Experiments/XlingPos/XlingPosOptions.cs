using DslSft.Experiments.CrossLingual;
using DslSft.Training;

namespace DslSft.Experiments.XlingPos;

/// <summary>
/// The committed experiment: English → Maltese and German zero-shot UPOS tagging from an English-only base model
/// (all-MiniLM-L6-v2), after the paper's §5 recipe with budgets a two-core machine can afford.
/// </summary>
public sealed record XlingPosOptions
{
    /// <summary>HF directory of the base model (with vocab.txt).</summary>
    public required string BaseModelDirectory { get; init; }
    /// <summary>Where scripts/prepare-experiment-data.sh put en.txt, mt.txt and de.txt.</summary>
    public required string TextDirectory { get; init; }
    /// <summary>The UD treebanks (../shared/data/ud).</summary>
    public required string UdDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    /// <summary>Test data per language code instead of the UD dev sets (e.g. held-out test treebanks).</summary>
    public IReadOnlyDictionary<string, string> TestFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The main comparison. K ratios are the paper's: task ≈8%, language ≈4.3% of the maskable entries. Language runs
    /// 1,000 + 1,000 updates of 8 blocks of 64 tokens (packed as run_mlm packs), task runs one epoch of EWT per phase,
    /// three seeds of the task fine-tunings; language SFTs with the MLM decoder frozen and untied (--freeze_decoder).
    /// </summary>
    public TransferOptions Main { get; init; } = new()
    {
        TaskDensity = 0.08,
        LanguageDensity = 0.043,
        LanguageFullPhase = PhaseLength.Steps(1000),
        LanguageSparsePhase = PhaseLength.Steps(1000),
        TaskFullPhase = PhaseLength.Epochs(1),
        TaskSparsePhase = PhaseLength.Epochs(1),
        // The paper's 5e-5 goes with 100k language steps and 10 task epochs; phases of ~1,000 updates need a larger step.
        LanguageLearningRate = 1e-4,
        TaskLearningRate = 1e-4,
        BatchSize = 16,
        MaxLength = 128,
        LanguageBatchSize = 8,
        LanguageMaxLength = 64,
        LanguageEvaluateEvery = 100,
        MaxTestSentences = 500,
        IncludeFullFineTuning = true,
        Seeds = [1, 2, 3],
        CheckpointEvery = 200,
        // The SFTs are committed (results/xling-pos/sfts): int32 indices or row numbers, 8-bit block-scaled values.
        CompactStorage = true,
        // Dense fine-tunings hold every entry of ~18M: 4-bit values keep the committed set under 150 MB.
        DenseStorage = Sft.Formats.SftStorage.CompactQ4,
        // all-MiniLM-L6-v2 is a sentence encoder: its checkpoint has no MLM head.
        MlmHeadWarmupSteps = 300,
    };

    /// <summary>Factors applied to both K ratios in the K sweep (LT-SFT only, on <see cref="SweepLanguage"/>).</summary>
    public IReadOnlyList<double> KFactors { get; init; } = [];
    /// <summary>Factors applied to every phase length in the phase-length sweep.</summary>
    public IReadOnlyList<double> PhaseFactors { get; init; } = [];
    /// <summary>The target language of the sweeps.</summary>
    public string SweepLanguage { get; init; } = "mt";
}
