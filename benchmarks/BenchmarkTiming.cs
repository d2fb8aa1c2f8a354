using System.Diagnostics;

namespace DslSft.Benchmarks;

/// <summary>Median wall time of repeated runs, after one warm-up run.</summary>
internal static class BenchmarkTiming
{
    public static double MedianMilliseconds(int repeats, Action action)
    {
        action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
