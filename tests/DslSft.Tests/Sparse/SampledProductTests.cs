using DslSft.Native;
using DslSft.Sparse;
using static TorchSharp.torch;

namespace DslSft.Tests.Sparse;

/// <summary>The sampled product through P/Invoke (and its TorchSharp reference) against dense A·Bᵀ gathered afterwards.</summary>
public class SampledProductTests
{
    private static (Tensor A, Tensor B, Tensor Indices, Tensor Expected) Case(long rows, long cols, long len, double density, int seed)
    {
        var g = new Generator((ulong)seed);
        var a = randn(new[] { rows, len }, generator: g);
        var b = randn(new[] { cols, len }, generator: g);
        var indices = (rand(new[] { rows * cols }, generator: g) < density).nonzero().reshape(-1);
        var expected = a.to(float64).matmul(b.to(float64).t()).reshape(-1).index_select(0, indices);
        return (a, b, indices, expected);
    }

    [Theory]
    [InlineData(3, 4, 5, 1.0)]         // every entry, shorter than the kernel's block of partial sums
    [InlineData(96, 130, 257, 0.05)]   // blocks plus a tail, sparse rows
    [InlineData(384, 96, 512, 0.01)]   // a Linear-like shape large enough for the parallel loop
    public void Native_equals_dense_product_then_gather(long rows, long cols, long len, double density)
    {
        Assert.True(NativeLibraryInfo.IsAvailable, NativeLibraryInfo.LoadError);
        var (a, b, indices, expected) = Case(rows, cols, len, density, seed: (int)(rows + len));
        var output = zeros(indices.numel());
        SampledProduct.Accumulate(a, b, indices, output);
        AssertClose(expected, output, len);

        // It adds to what is there.
        SampledProduct.Accumulate(a, b, indices, output);
        AssertClose(expected * 2, output, len);
    }

    [Fact]
    public void Reference_equals_dense_product_then_gather()
    {
        var (a, b, indices, expected) = Case(70, 50, 33, 0.3, seed: 5);
        var output = zeros(indices.numel());
        SampledProduct.Reference(a, b, indices, output);
        AssertClose(expected, output, 33);
    }

    [Fact]
    public void Bad_index_lists_are_refused_by_the_native_kernel()
    {
        var a = ones(3, 4);
        var output = zeros(2);
        var outside = Assert.Throws<NativeException>(() => SampledProduct.Accumulate(a, a, tensor(new long[] { 0, 9 }), output));
        Assert.Contains("outside [0, 9)", outside.Message);
        Assert.Throws<NativeException>(() => SampledProduct.Accumulate(a, a, tensor(new long[] { 4, 1 }), output));
        Assert.Throws<ArgumentException>(() => SampledProduct.Accumulate(a, ones(3, 5), tensor(new long[] { 0 }), zeros(1)));
        Assert.Equal(new[] { 0f, 0f }, output.data<float>().ToArray());
    }

    private static void AssertClose(Tensor expected, Tensor actual, long len)
    {
        var error = (actual.to(float64) - expected).abs().max().item<double>();
        Assert.True(error < 1e-5 * len, $"max |sampled − dense| = {error}");
    }
}
