using DslSft.Sft;
using DslSft.Training;

namespace DslSft.Engine;

/// <summary>What a finished LT-SFT run returns.</summary>
public sealed record LtSftResult(
    /// <summary>Diffs θ − θ0 at the K selected entries of every maskable tensor; dense heads whole.</summary>
    SparseFineTuning Sft,
    /// <summary>Every logged update and evaluation, in order.</summary>
    IReadOnlyList<TrainingLogEntry> Log,
    /// <summary>Number of selected maskable entries (exactly K).</summary>
    long K,
    /// <summary>The last evaluation's metrics, when an evaluator was set.</summary>
    IReadOnlyDictionary<string, double>? LastEvaluation);
