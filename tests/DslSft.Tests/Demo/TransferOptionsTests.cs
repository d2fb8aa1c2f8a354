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
    };

    [Theory]
    [MemberData(nameof(Changed))]
    public void A_setting_that_changes_the_trained_sft_changes_its_cache_key(string setting, TransferOptions changed)
    {
        foreach (var method in new[] { TransferMethod.LtSft, TransferMethod.RandomMask })
        {
            bool languageDiffers = Baseline.LanguageKey(method) != changed.LanguageKey(method);
            bool taskDiffers = Baseline.TaskKey(method) != changed.TaskKey(method);
            Assert.True(languageDiffers || taskDiffers, $"{setting} leaves the {method} keys unchanged");
        }
    }

    [Fact]
    public void Methods_never_share_a_key()
    {
        var keys = Enum.GetValues<TransferMethod>().SelectMany(m => new[] { Baseline.LanguageKey(m), Baseline.TaskKey(m) }).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Evaluation_only_settings_keep_the_key()
    {
        var changed = Baseline with { MaxTestSentences = 5, IncludeFullFineTuning = true, Methods = [TransferMethod.LtSft] };
        Assert.Equal(Baseline.LanguageKey(TransferMethod.LtSft), changed.LanguageKey(TransferMethod.LtSft));
        Assert.Equal(Baseline.TaskKey(TransferMethod.LtSft), changed.TaskKey(TransferMethod.LtSft));
    }
}
