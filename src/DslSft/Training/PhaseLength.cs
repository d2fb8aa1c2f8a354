namespace DslSft.Training;

/// <summary>
/// How long one training phase runs, in composable-sft's terms: at least <see cref="MinSteps"/>, at most
/// <see cref="MaxSteps"/>, otherwise <see cref="MaxEpochs"/> epochs (each bound optional, but steps or epochs must be given).
/// </summary>
public sealed record PhaseLength(long? MinSteps = null, long? MaxSteps = null, double? MaxEpochs = null)
{
    public static PhaseLength Steps(long steps) => new(MaxSteps: steps);
    public static PhaseLength Epochs(double epochs) => new(MaxEpochs: epochs);

    /// <summary>
    /// Number of optimizer updates, as composable-sft's <c>set_training_len</c> decides it: epochs are converted
    /// to <c>ceil(epochs · (batchesPerEpoch // accumulation))</c> updates; that count is raised to MinSteps and
    /// capped at MaxSteps.
    /// </summary>
    public long ResolveSteps(long batchesPerEpoch, int gradientAccumulation)
    {
        if (MaxSteps is null && MaxEpochs is null) throw new ArgumentException("phase length not specified: give max steps or max epochs");
        if (MinSteps is not null && MaxSteps is not null && MinSteps > MaxSteps)
            throw new ArgumentException($"min steps ({MinSteps}) cannot exceed max steps ({MaxSteps})");
        if (MaxEpochs is null) return MaxSteps!.Value;
        var updatesPerEpoch = Math.Max(1, batchesPerEpoch / Math.Max(1, gradientAccumulation));
        var fromEpochs = (long)Math.Ceiling(MaxEpochs.Value * updatesPerEpoch);
        if (MaxSteps is not null && fromEpochs >= MaxSteps) return MaxSteps.Value;
        return MinSteps is not null && fromEpochs < MinSteps ? MinSteps.Value : fromEpochs;
    }
}
