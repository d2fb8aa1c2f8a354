using DslSft.Sft;
using DslSft.Training;

namespace DslSft.Engine;

/// <summary>What a finished LT-SFT run returns.</summary>
/// <param name="Sft">Diffs θ − θ0 at the K selected entries of every maskable tensor (CPU); dense heads whole.</param>
/// <param name="Log">Every logged update and evaluation, in order.</param>
/// <param name="K">Number of selected maskable entries (exactly K).</param>
/// <param name="LastEvaluation">The last evaluation's metrics, when an evaluator was set.</param>
public sealed record LtSftResult(
    SparseFineTuning Sft,
    IReadOnlyList<TrainingLogEntry> Log,
    long K,
    IReadOnlyDictionary<string, double>? LastEvaluation);
