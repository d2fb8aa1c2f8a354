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

    /// <summary>Finds the repository root (the folder with DslSft.sln) from the working directory.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DslSft.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository");
    }
}
