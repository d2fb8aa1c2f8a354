using DslSft.Dsl.Kernels;
using DslSft.Kernels;
using DslSft.Native;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>Bad arguments give an exception naming the argument (and tensor) before anything is written, in both backends.</summary>
public class KernelArgumentValidationTests
{
    public static TheoryData<KernelBackend> AllBackends => new() { KernelBackend.Managed, KernelBackend.Native };

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Out_of_range_and_unsorted_indices_throw_before_any_write(KernelBackend backend)
    {
        var p = Random(10, 1); var before = p.clone();
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SftApply.Sparse(tensor(new long[] { 2, 10 }), p, ones(2), backend: backend));
        Assert.Contains("index 10 at position 1 is outside [0, 10)", outOfRange.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SftApply.Sparse(tensor(new long[] { -1 }), p, ones(1), backend: backend));
        var unsorted = Assert.Throws<ArgumentException>(() => SftApply.Sparse(tensor(new long[] { 4, 4 }), p, ones(2), backend: backend));
        Assert.Contains("strictly increasing", unsorted.Message);
        AssertIdentical(before, p, "nothing written");
    }

    [Fact]
    public void Shape_dtype_and_layout_errors_name_the_argument()
    {
        var idx = tensor(new long[] { 0, 1 });
        var e = Assert.Throws<ArgumentException>(() => SftApply.Sparse(idx, zeros(5), ones(3)));
        Assert.Contains("delta: expected 2 elements (as indices), got 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftDiff.Sparse(idx, zeros(5), zeros(6), zeros(2)));
        Assert.Contains("pretrained: expected 5 elements (as param)", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.Sparse(idx, zeros(5, dtype: ScalarType.Float64), ones(2)));
        Assert.Contains("param: expected dtype Float32", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.Sparse(idx.to(ScalarType.Int32), zeros(5), ones(2)));
        Assert.Contains("indices", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.Sparse(idx.reshape(2, 1), zeros(5), ones(2)));
        Assert.Contains("1-D", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.Dense(zeros(4, 4).t(), ones(16)));
        Assert.Contains("contiguous", e.Message);
    }

    [Fact]
    public void Multi_tensor_tables_are_checked_per_tensor()
    {
        var set = SparseTensorSet.Create([tensor(new long[] { 0, 3 }), tensor(new long[] { 1 })], [4, 2], ["a.weight", "b.bias"]);
        var e = Assert.Throws<ArgumentException>(() => SftApply.MultiTensor(set, [zeros(4), zeros(3)], zeros(3)));
        Assert.Contains("param[1] ('b.bias'): expected 2 elements, got 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.MultiTensor(set, [zeros(4)], zeros(3)));
        Assert.Contains("expected 2 tensors", e.Message);
        e = Assert.Throws<ArgumentException>(() => SftApply.MultiTensor(set, [zeros(4), zeros(2)], zeros(4)));
        Assert.Contains("delta: expected 3 elements", e.Message);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => SparseTensorSet.Create([tensor(new long[] { 0, 4 })], [4], ["a.weight"]));
        Assert.Contains("'a.weight'", bad.Message);
    }

    [Fact]
    public void Trusted_index_lists_skip_validation_but_still_compute_the_same_result()
    {
        var idx = Indices(1000, 100, 3); var delta = Random(100, 4);
        var a = Random(1000, 5); var b = a.clone();
        SftApply.Sparse(idx, a, delta, IndexCheck.Validate);
        SftApply.Sparse(idx, b, delta, IndexCheck.Trusted);
        AssertIdentical(a, b, "trusted vs validated");
    }

    [Fact]
    public void Native_backend_request_without_the_library_is_explained()
    {
        if (NativeLibraryInfo.IsAvailable)
            Assert.True(KernelArguments.UseNative(KernelBackend.Native, "dslsft_adamw_dense"));
        else
            Assert.Throws<InvalidOperationException>(() => KernelArguments.UseNative(KernelBackend.Native, "dslsft_adamw_dense"));
        Assert.False(KernelArguments.UseNative(KernelBackend.Managed, "dslsft_adamw_dense"));
    }
}
