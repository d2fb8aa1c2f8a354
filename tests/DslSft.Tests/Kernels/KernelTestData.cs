using DslSft.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>Random inputs and exact/approximate comparisons for the kernel correctness tests.</summary>
internal static class KernelTestData
{
    public static Tensor Random(long n, int seed, float scale = 1f)
    {
        var generator = new Generator((ulong)seed);
        return randn(n, generator: generator).mul_(scale);
    }

    public static Tensor RandomPositive(long n, int seed) => Random(n, seed).abs_().add_(0.01f);

    /// <summary>K sorted distinct flat indices in [0, n).</summary>
    public static Tensor Indices(long n, long k, int seed)
    {
        var generator = new Generator((ulong)seed);
        return randperm(n, generator: generator).narrow(0, 0, k).sort().Values.contiguous();
    }

    public static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    /// <summary>Bitwise-equal float arrays (NaN equals NaN): the C++ kernels and the C# loops do the same IEEE operations.</summary>
    public static void AssertIdentical(Tensor expected, Tensor actual, string what)
    {
        var e = Values(expected);
        var a = Values(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            if (!(e[i].Equals(a[i])))
                Assert.Fail($"{what}: element {i} differs: {e[i]:R} vs {a[i]:R}");
    }

    /// <summary>|a - e| &lt;= atol + rtol·|e| element-wise (NaN must match NaN).</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double rtol = 1e-5, double atol = 1e-6)
    {
        var e = Values(expected);
        var a = Values(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]) && float.IsNaN(a[i])) continue;
            if (!(Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i])))
                Assert.Fail($"{what}: element {i}: expected {e[i]:R}, got {a[i]:R}");
        }
    }

    public static IEnumerable<KernelBackend> Backends()
    {
        yield return KernelBackend.Managed;
        yield return KernelBackend.Native;
    }
}
