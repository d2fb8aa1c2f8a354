using DslSft.Dsl.Kernels;
using DslSft.Kernels;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>SFT apply/revert, diff extraction and gather in every form and backend against TorchSharp indexing ops.</summary>
public class SftKernelsTests
{
    public static TheoryData<KernelBackend> AllBackends => new() { KernelBackend.Managed, KernelBackend.Native };

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Apply_and_revert_add_and_subtract_the_differences_at_the_indices(KernelBackend backend)
    {
        const long n = 400, k = 57;
        var idx = Indices(n, k, 1); var delta = Random(k, 2); var param = Random(n, 3).reshape(20, 20);
        var expected = param.clone().view(-1).index_add(0, idx, delta, 1).reshape(20, 20);
        var p = param.clone();
        SftApply.Sparse(idx, p, delta, backend: backend);
        AssertIdentical(expected, p, "apply");
        var back = p.view(-1).index_add(0, idx, -delta, 1).reshape(20, 20);
        SftRevert.Sparse(idx, p, delta, backend: backend);
        AssertIdentical(back, p, "revert");
        AssertClose(param, p, "apply then revert", rtol: 1e-6, atol: 1e-6);
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Diff_and_gather_read_the_selected_elements(KernelBackend backend)
    {
        const long n = 300, k = 41;
        var idx = Indices(n, k, 4); var tuned = Random(n, 5).reshape(3, 100); var pretrained = Random(n, 6).reshape(3, 100);
        var delta = zeros(k);
        SftDiff.Sparse(idx, tuned, pretrained, delta, backend: backend);
        AssertIdentical(tuned.view(-1).index_select(0, idx) - pretrained.view(-1).index_select(0, idx), delta, "diff");
        var gathered = zeros(k);
        Gather.Sparse(idx, tuned, gathered, backend: backend);
        AssertIdentical(tuned.view(-1).index_select(0, idx), gathered, "gather");
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Multi_tensor_diff_then_apply_reconstructs_the_fine_tuned_tensors_at_the_selection(KernelBackend backend)
    {
        long[] sizes = [50, 8, 120];
        long[] counts = [10, 8, 0];
        var indices = sizes.Select((s, t) => Indices(s, counts[t], 10 + t)).ToArray();
        var set = SparseTensorSet.Create(indices, sizes);
        var pretrained = sizes.Select((s, t) => Random(s, 20 + t)).ToArray();
        var tuned = pretrained.Select((p, t) => p.clone().view(-1).index_add(0, indices[t], Random(counts[t], 30 + t), 1).clone()).ToArray();
        var delta = zeros(set.TotalCount);
        SftDiff.MultiTensor(set, tuned, pretrained, delta, backend);
        var rebuilt = pretrained.Select(p => p.clone()).ToArray();
        SftApply.MultiTensor(set, rebuilt, delta, backend);
        for (int t = 0; t < sizes.Length; t++)
        {
            AssertClose(tuned[t], rebuilt[t], $"tensor {t}", rtol: 1e-6, atol: 1e-6);
            AssertIdentical(tuned[t].index_select(0, indices[t]) - pretrained[t].index_select(0, indices[t]),
                delta.narrow(0, set.Offsets[t], set.Counts[t]), $"delta of tensor {t}");
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Dense_gather_is_a_copy_and_dense_apply_adds_everywhere(KernelBackend backend)
    {
        var source = Random(33, 40); var copy = zeros(33);
        Gather.Dense(source, copy, backend);
        AssertIdentical(source, copy, "dense gather");
        var p = Random(33, 41); var expected = p + source;
        SftApply.Dense(p, source, backend);
        AssertIdentical(expected, p, "dense apply");
    }
}
