using DslSft.Experiments.CrossLingual;
using DslSft.Training;

namespace DslSft.Tests.Demo;

/// <summary>Trained SFTs are reused by cache key, so every setting that changes an SFT must change its key.</summary>
public class TransferOptionsTests
{
    private static readonly TransferOptions Baseline = new();

    public static TheoryData<string, TransferOptions> Changed => new()
    {
        { "language K", Baseline with { LanguageDensity = 0.05 } },
        { "task K", Baseline with { TaskDensity = 0.1 } },
        { "full phase", Baseline with { LanguageFullPhase = PhaseLength.Steps(7), TaskFullPhase = PhaseLength.Steps(7) } },
        { "sparse phase", Baseline with { LanguageSparsePhase = PhaseLength.Steps(7), TaskSparsePhase = PhaseLength.Steps(7) } },
        { "learning rate", Baseline with { LanguageLearningRate = 1e-4, TaskLearningRate = 1e-4 } }, // 5e-5 and 1e-4 once shared a key
        { "batch size", Baseline with { BatchSize = 3 } },
        { "seed", Baseline with { Seed = 99 } },
        { "data size", Baseline with { MaxTextLines = 10, MaxTrainSentences = 10 } },
        { "L1", Baseline with { L1 = 0.5 } },
        { "layer norm", Baseline with { FreezeLayerNorm = false } },
        { "max length", Baseline with { MaxLength = 32 } },
        { "language batch size", Baseline with { LanguageBatchSize = 3 } },
        { "language block length", Baseline with { LanguageMaxLength = 32 } },
        { "decoder surgery", Baseline with { FreezeDecoder = false } },
        { "L1 mode", Baseline with { L1Mode = DslSft.Engine.L1Mode.Paper } },
    };

    [Theory]
    [MemberData(nameof(Changed))]
    public void A_setting_that_changes_the_trained_sft_changes_its_cache_key(string setting, TransferOptions changed)
    {
        // LT-SFT uses every setting (both phases).
        bool languageDiffers = Baseline.LanguageKey(TransferMethod.LtSft) != changed.LanguageKey(TransferMethod.LtSft);
        bool taskDiffers = Baseline.TaskKey(TransferMethod.LtSft, Baseline.Seed) != changed.TaskKey(TransferMethod.LtSft, changed.Seed);
        Assert.True(languageDiffers || taskDiffers, $"{setting} leaves the LT-SFT keys unchanged");
    }

    [Fact]
    public void Single_phase_methods_depend_only_on_their_own_phase()
    {
        // Random masks train one sparse phase, dense fine-tuning one phase as long as LT-SFT's full phase.
        var fullChanged = Baseline with { LanguageFullPhase = PhaseLength.Steps(7) };
        var sparseChanged = Baseline with { LanguageSparsePhase = PhaseLength.Steps(7) };
        Assert.Equal(Baseline.LanguageKey(TransferMethod.RandomMask), fullChanged.LanguageKey(TransferMethod.RandomMask));
        Assert.NotEqual(Baseline.LanguageKey(TransferMethod.RandomMask), sparseChanged.LanguageKey(TransferMethod.RandomMask));
        Assert.NotEqual(Baseline.LanguageKey(TransferMethod.Dense), fullChanged.LanguageKey(TransferMethod.Dense));
        Assert.Equal(Baseline.LanguageKey(TransferMethod.Dense), sparseChanged.LanguageKey(TransferMethod.Dense));
    }

    [Fact]
    public void Methods_never_share_a_key()
    {
        // Language and task SFT names carry different prefixes; within each kind the methods must differ.
        var language = Enum.GetValues<TransferMethod>().Select(Baseline.LanguageKey).ToList();
        var task = Enum.GetValues<TransferMethod>().Select(m => Baseline.TaskKey(m, 1)).ToList();
        Assert.Equal(language.Count, language.Distinct().Count());
        Assert.Equal(task.Count, task.Distinct().Count());
    }

    [Fact]
    public void Evaluation_only_settings_keep_the_key()
    {
        var changed = Baseline with { MaxTestSentences = 5, IncludeFullFineTuning = true, Methods = [TransferMethod.LtSft] };
        Assert.Equal(Baseline.LanguageKey(TransferMethod.LtSft), changed.LanguageKey(TransferMethod.LtSft));
        Assert.Equal(Baseline.TaskKey(TransferMethod.LtSft, 1), changed.TaskKey(TransferMethod.LtSft, 1));
    }

    [Fact]
    public void Task_seeds_get_their_own_keys_and_a_matched_random_mask_its_own()
    {
        Assert.NotEqual(Baseline.TaskKey(TransferMethod.LtSft, 1), Baseline.TaskKey(TransferMethod.LtSft, 2));
        var uniform = Baseline with { RandomMaskMatchesLtSft = false };
        Assert.NotEqual(Baseline.LanguageKey(TransferMethod.RandomMask), uniform.LanguageKey(TransferMethod.RandomMask));
        Assert.Equal(Baseline.LanguageKey(TransferMethod.LtSft), uniform.LanguageKey(TransferMethod.LtSft));
        Assert.Equal([1, 2, 3], (Baseline with { Seeds = [1, 2, 3] }).SeedsOf(TransferMethod.Dense));
        Assert.Equal([1], (Baseline with { Seeds = [1, 2, 3] }).SeedsOf(TransferMethod.RandomMask));
    }
}
