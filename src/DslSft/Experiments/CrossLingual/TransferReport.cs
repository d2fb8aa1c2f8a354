using DslSft.Sft;

namespace DslSft.Experiments.CrossLingual;

/// <summary>
/// One result row: a method and composition with word accuracy per evaluated language (source included when it has a
/// test set): the mean over the task fine-tunings' seeds, their standard deviation and each seed's value.
/// </summary>
public sealed record TransferRow(string Method, string Composition, IReadOnlyDictionary<string, double> Accuracy)
{
    /// <summary>Sample standard deviation over seeds per language (0 with one seed).</summary>
    public IReadOnlyDictionary<string, double> StandardDeviation { get; init; } = new Dictionary<string, double>();
    /// <summary>Accuracy of every seed per language, in seed order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> PerSeed { get; init; } = new Dictionary<string, IReadOnlyList<double>>();
    public int Seeds => PerSeed.Values.FirstOrDefault()?.Count ?? 1;
}

/// <summary>A language fine-tuning: its validation masked-LM loss against the base model's, and where its K lies.</summary>
public sealed record LanguageAdaptation(string Language, TransferMethod Method, double ValidationLoss, double BaseValidationLoss, SftFootprint Footprint);

/// <summary>One training run (or a reused SFT file, <see cref="Cached"/>).</summary>
/// <param name="Kind">"language" or "task".</param>
/// <param name="K">Selected maskable entries.</param>
/// <param name="FullSteps">Updates in the full phase (0 for dense and random-mask runs, which have one phase).</param>
/// <param name="SparseSteps">Updates in the sparse (or only) phase.</param>
public sealed record TransferRun(string Name, TransferMethod Method, string Kind, string Language, long K, long MaskableCount,
    long FullSteps, long SparseSteps, double Seconds, double FinalLoss, bool Cached)
{
    /// <summary>The run's last validation loss (language runs: held-out masked LM), when it was evaluated.</summary>
    public double? ValidationLoss { get; init; }
}

/// <summary>Everything a transfer experiment produced.</summary>
public sealed record TransferReport(string Source, IReadOnlyList<string> Targets, IReadOnlyList<TransferRow> Rows,
    IReadOnlyList<TransferRun> Runs, long MaskableCount, TransferOptions Options, double Seconds)
{
    /// <summary>Every language fine-tuning's validation loss and K split.</summary>
    public IReadOnlyList<LanguageAdaptation> Languages { get; init; } = [];

    /// <summary>Accuracy of the row with this method and composition in <paramref name="language"/>.</summary>
    public double Accuracy(string method, string composition, string language) =>
        Rows.Single(r => r.Method == method && r.Composition == composition).Accuracy[language];
}
