using DslSft.Sparse;
using static TorchSharp.torch;

namespace DslSft.Tests.Sparse;

public class IndexListsTests
{
    [Fact]
    public void Validate_accepts_sorted_in_range_lists()
    {
        IndexLists.Validate("w", tensor(new long[] { 0, 2, 9 }), 10);
        IndexLists.Validate("w", zeros(0, dtype: int64), 0);
    }

    [Theory]
    [InlineData(new long[] { 0, 2, 2 }, "index 2 at position 2 is not greater than the previous index 2")]
    [InlineData(new long[] { 5, 1 }, "index 1 at position 1")]
    [InlineData(new long[] { 0, 10 }, "index 10 at position 1 is outside [0, 10)")]
    [InlineData(new long[] { -1 }, "index -1 at position 0")]
    public void Validate_names_the_tensor_and_position(long[] indices, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => IndexLists.Validate("encoder.layer.3.output.dense.weight", tensor(indices), 10));
        Assert.Contains("tensor 'encoder.layer.3.output.dense.weight'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Validate_refuses_non_int64_or_2d_lists()
    {
        Assert.Contains("1-D", Assert.Throws<ArgumentException>(() => IndexLists.Validate("w", zeros(2, 2, dtype: int64), 10)).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => IndexLists.Validate("w", zeros(2, dtype: int32), 10)).Message);
    }

    [Fact]
    public void FromMask_matches_nonzero()
    {
        var g = new Generator(9);
        var mask = rand(new long[] { 300, 70 }, generator: g) < 0.2;
        var expected = mask.flatten().nonzero().flatten().data<long>().ToArray();
        Assert.Equal(expected, IndexLists.FromMask(mask).data<long>().ToArray());
        Assert.Equal(expected, IndexLists.FromMask(mask.to(uint8)).data<long>().ToArray());
        Assert.Equal(0, IndexLists.FromMask(zeros(0, dtype: ScalarType.Bool)).numel());
        // A narrowed view starts at its storage offset.
        var row = mask[5];
        Assert.Equal(row.nonzero().flatten().data<long>().ToArray(), IndexLists.FromMask(row).data<long>().ToArray());
    }

    [Fact]
    public void AboveThreshold_matches_a_masked_reference()
    {
        var g = new Generator(10);
        var initial = randn(new long[] { 100, 30 }, generator: g);
        var current = initial + 0.01f * randn(new long[] { 100, 30 }, generator: g);
        var expected = ((current - initial).abs() > 0.015f).flatten().nonzero().flatten().data<long>().ToArray();
        Assert.Equal(expected, IndexLists.AboveThreshold(current, initial, 0.015f).data<long>().ToArray());
        Assert.Equal((current.abs() > 1f).flatten().nonzero().flatten().data<long>().ToArray(),
            IndexLists.AboveThreshold(current, null, 1f).data<long>().ToArray());
        Assert.Throws<ArgumentException>(() => IndexLists.AboveThreshold(current, initial[..10], 0f));
        Assert.Throws<ArgumentException>(() => IndexLists.AboveThreshold(current, initial, float.NaN));
    }
}
