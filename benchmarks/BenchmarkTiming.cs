using System.Diagnostics;

namespace DslSft.Benchmarks;

/// <summary>Median wall time of repeated runs.</summary>
internal static class BenchmarkTiming
{
    /// <summary>Median of <paramref name="repeats"/> timed runs in milliseconds, after one warm-up run.</summary>
    public static double MedianMilliseconds(int repeats, Action action) => 1000 * MedianSeconds(repeats, action);

    /// <summary>
    /// Median of <paramref name="repeats"/> timed runs in seconds (the mean of the middle two for an even count), after one
    /// untimed warm-up run (page faults, thread pools) unless <paramref name="warmUp"/> is false.
    /// </summary>
    public static double MedianSeconds(int repeats, Action action, bool warmUp = true)
    {
        if (warmUp) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }
}
