namespace DslSft.Experiments.CrossLingual;

/// <summary>One result row: a method and composition with word accuracy per evaluated language (source included when it has a test set).</summary>
public sealed record TransferRow(string Method, string Composition, IReadOnlyDictionary<string, double> Accuracy);

/// <summary>One training run (or a reused SFT file, <see cref="Cached"/>).</summary>
/// <param name="Kind">"language" or "task".</param>
/// <param name="K">Selected maskable entries.</param>
/// <param name="FullSteps">Updates in the full phase (0 for dense and random-mask runs, which have one phase).</param>
/// <param name="SparseSteps">Updates in the sparse (or only) phase.</param>
public sealed record TransferRun(string Name, TransferMethod Method, string Kind, string Language, long K, long MaskableCount,
    long FullSteps, long SparseSteps, double Seconds, double FinalLoss, bool Cached);

/// <summary>Everything a transfer experiment produced.</summary>
public sealed record TransferReport(string Source, IReadOnlyList<string> Targets, IReadOnlyList<TransferRow> Rows,
    IReadOnlyList<TransferRun> Runs, long MaskableCount, TransferOptions Options, double Seconds)
{
    /// <summary>Accuracy of the row with this method and composition in <paramref name="language"/>.</summary>
    public double Accuracy(string method, string composition, string language) =>
        Rows.Single(r => r.Method == method && r.Composition == composition).Accuracy[language];
}
