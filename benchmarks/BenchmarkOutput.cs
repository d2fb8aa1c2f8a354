using System.Diagnostics;

namespace DslSft.Benchmarks;

/// <summary>Timing and report helpers shared by the benchmark areas.</summary>
internal static class BenchmarkOutput
{
    /// <summary>Median wall time in milliseconds of <paramref name="runs"/> timed calls, each after an untimed <paramref name="setup"/>.</summary>
    public static double MedianMs(int runs, Action body, Action? setup = null, Action? teardown = null)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            setup?.Invoke();
            var watch = Stopwatch.StartNew();
            body();
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
            teardown?.Invoke();
        }
        times.Sort();
        return times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
    }

    /// <summary>The repository root (where DslSft.sln is), so results land in docs/benchmarks/.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DslSft.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
