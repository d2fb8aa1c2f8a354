namespace DslSft.Training;

/// <summary>
/// Linear warm-up from 0 to the peak learning rate, then linear decay to 0 at the last step, exactly as
/// transformers' <c>get_linear_schedule_with_warmup</c>: update number <c>s</c> (0-based) uses
/// <c>peak · s/W</c> while <c>s &lt; W</c>, else <c>peak · max(0, (T − s)/(T − W))</c>.
/// </summary>
public sealed class LinearWarmupSchedule
{
    public LinearWarmupSchedule(double peakLearningRate, long warmupSteps, long totalSteps)
    {
        if (peakLearningRate < 0) throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "learning rate must be non-negative");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warm-up steps must be non-negative");
        if (totalSteps < 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "total steps must be non-negative");
        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    public double PeakLearningRate { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }

    /// <summary>Learning rate of update <paramref name="step"/> (0-based).</summary>
    public double LearningRate(long step)
    {
        if (step < WarmupSteps) return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        return PeakLearningRate * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }

    /// <summary>Warm-up steps from an explicit count, else from a ratio of the total (rounded up, as transformers does).</summary>
    public static long ResolveWarmup(long? warmupSteps, double warmupRatio, long totalSteps) =>
        warmupSteps ?? (long)Math.Ceiling(warmupRatio * totalSteps);
}
