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
    /// <summary>Sentences per task update.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Longest task sentence in subword tokens (longer examples are dropped, as composable-sft does).</summary>
    public int MaxLength { get; init; } = 128;
    /// <summary>Blocks per masked-LM update (null: <see cref="BatchSize"/>).</summary>
    public int? LanguageBatchSize { get; init; }
    /// <summary>Masked-LM block length: text is packed into blocks of this many tokens (null: <see cref="MaxLength"/>).</summary>
    public int? LanguageMaxLength { get; init; }
    /// <summary>Share (%) of each language's text held out, from its start, for the validation masked-LM loss (run_mlm's validation_split_percentage).</summary>
    public double LanguageValidationPercent { get; init; } = 5;
    /// <summary>At most this many held-out blocks are scored (the validation loss is computed every <see cref="LanguageEvaluateEvery"/> updates).</summary>
    public int LanguageValidationBlocks { get; init; } = 64;
    /// <summary>Validation masked-LM loss every this many updates of a language run (0: only at the end of each phase).</summary>
    public long LanguageEvaluateEvery { get; init; }

    internal int LanguageBatch => LanguageBatchSize ?? BatchSize;
    internal int LanguageLength => LanguageMaxLength ?? MaxLength;

    /// <summary>
    /// Seeds of the task fine-tunings of the LT-SFT and dense rows (each composition is reported as mean ± sd over them).
    /// The language fine-tunings, the random-mask and full fine-tuning rows use the first seed.
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1];
    /// <summary>Use at most this many lines of each language's text (null: all).</summary>
    public int? MaxTextLines { get; init; }
    /// <summary>Use at most this many training sentences (null: all).</summary>
    public int? MaxTrainSentences { get; init; }
    /// <summary>Evaluate on at most this many test sentences per language (null: all).</summary>
    public int? MaxTestSentences { get; init; }

    /// <summary>Which adaptations to train and compose; each gives a "task only" and a "task + target language" row.</summary>
    public IReadOnlyList<TransferMethod> Methods { get; init; } = [TransferMethod.LtSft, TransferMethod.Dense, TransferMethod.RandomMask];
    /// <summary>
    /// Random-mask fine-tunings draw as many entries in each tensor as the LT-SFT fine-tuning of the same language (or
    /// task) selected, so they differ from it only in which entries of each tensor they train. Off: K drawn uniformly
    /// over all maskable entries, the paper's baseline (in MiniLM over half of them then land in the word embeddings,
    /// mostly in rows of tokens the text never contains).
    /// </summary>
    public bool RandomMaskMatchesLtSft { get; init; } = true;
    /// <summary>Add a row for plain full fine-tuning of the task on the base model (no language adaptation at all).</summary>
    public bool IncludeFullFineTuning { get; init; }

    /// <summary>L1 toward the base weights in both phases (composable-sft's full/sparse_l1_reg; the paper uses 0.1).</summary>
    public double L1 { get; init; } = 0.1;
    /// <summary>Whether L1 acts (the paper) or not (composable-sft's code, the default; see <see cref="Engine.L1Mode"/>).</summary>
    public Engine.L1Mode L1Mode { get; init; } = Engine.L1Mode.ComposableSft;
    /// <summary>Keep LayerNorm parameters frozen (composable-sft's --freeze_layer_norm, used in the paper's recipes).</summary>
    public bool FreezeLayerNorm { get; init; } = true;
    /// <summary>Language runs: the MLM decoder is a frozen copy of the pre-trained embeddings (run_mlm.py --freeze_decoder).</summary>
    public bool FreezeDecoder { get; init; } = true;

    /// <summary>The first of <see cref="Seeds"/>.</summary>
    public int Seed { get => Seeds[0]; init => Seeds = [value]; }

    /// <summary>Write a resumable checkpoint every this many updates of a run, so a run cut off continues there (0: never).</summary>
    public long CheckpointEvery { get; init; }
    /// <summary>Store SFTs compactly (see <see cref="Sft.Formats.SftFile"/>); the table is computed from the stored files.</summary>
    public bool CompactStorage { get; init; }
    /// <summary>
    /// With <see cref="CompactStorage"/>, how dense fine-tunings (every entry of every row they changed) are stored:
    /// <see cref="Sft.Formats.SftStorage.Compact"/> (8-bit values) or <see cref="Sft.Formats.SftStorage.CompactQ4"/>
    /// (4-bit values, half the size). Sparse fine-tunings are always stored with 8-bit values.
    /// </summary>
    public Sft.Formats.SftStorage DenseStorage { get; init; } = Sft.Formats.SftStorage.Compact;
    /// <summary>Train nothing: rebuild the table from the SFT files in the output directory (missing ones are an error).</summary>
    public bool EvaluateOnly { get; init; }

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
        $"{method.Key()}-k{F(method == TransferMethod.Dense ? 1 : LanguageDensity)}-{Phases(method, LanguageFullPhase, LanguageSparsePhase)}-lr{F(LanguageLearningRate)}" +
        $"-b{LanguageBatch}-len{LanguageLength}{Common}{(FreezeDecoder ? "-fd" : "")}-s{Seed}-n{MaxTextLines?.ToString(CultureInfo.InvariantCulture) ?? "all"}{HeadWarmupKey}";

    /// <summary>The head warm-up's settings (part of every language key: the language SFTs start from that head).</summary>
    internal string HeadWarmupKey => MlmHeadWarmupSteps > 0 ? $"-hw{MlmHeadWarmupSteps}-{F(MlmHeadWarmupLearningRate)}" : "";

    internal string TaskKey(TransferMethod method, int seed) =>
        $"{method.Key()}-k{F(method == TransferMethod.Dense ? 1 : TaskDensity)}-{Phases(method, TaskFullPhase, TaskSparsePhase)}-lr{F(TaskLearningRate)}" +
        $"-b{BatchSize}-len{MaxLength}{Common}-s{seed}-n{MaxTrainSentences?.ToString(CultureInfo.InvariantCulture) ?? "all"}";

    /// <summary>The seeds of a method's task fine-tunings: all of <see cref="Seeds"/> for LT-SFT and dense, the first otherwise.</summary>
    internal IReadOnlyList<int> SeedsOf(TransferMethod method) => method is TransferMethod.LtSft or TransferMethod.Dense ? Seeds : [Seed];

    /// <summary>Settings shared by language and task runs: L1 and LayerNorm freezing.</summary>
    private string Common => $"-l1{F(L1)}{(L1Mode == Engine.L1Mode.Paper ? "p" : "")}{(FreezeLayerNorm ? "-fln" : "")}";

    private string Phases(TransferMethod method, PhaseLength full, PhaseLength sparse) => method switch
    {
        TransferMethod.LtSft => $"f{Describe(full)}-p{Describe(sparse)}",
        TransferMethod.Dense => $"d{Describe(full)}",
        _ => $"p{Describe(sparse)}{(RandomMaskMatchesLtSft && Methods.Contains(TransferMethod.LtSft) ? "-m" : "")}",
    };

    private static string Describe(PhaseLength length) =>
        length.MaxSteps is { } steps ? steps.ToString(CultureInfo.InvariantCulture) : $"{F(length.MaxEpochs ?? 0)}ep";

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
