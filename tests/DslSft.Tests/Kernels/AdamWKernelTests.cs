using DslSft.Dsl.Kernels;
using DslSft.Kernels;
using DslSft.Native;
using TorchSharp;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>The AdamW rule in every form and backend against torch.optim.AdamW and an independent TorchSharp formula.</summary>
public class AdamWKernelTests
{
    private const float Lr = 1e-2f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f, WeightDecay = 0.1f;

    private static (float Bc1, float Bc2) BiasCorrections(int step) =>
        (1f - MathF.Pow(Beta1, step), 1f - MathF.Pow(Beta2, step));

    /// <summary>The AdamW formula written with TorchSharp ops on compact (already gathered) values.</summary>
    private static (Tensor P, Tensor M, Tensor V) Expected(Tensor p, Tensor g, Tensor m, Tensor v, Tensor theta0, int step, float l1)
    {
        var (bc1, bc2) = BiasCorrections(step);
        var grad = g + l1 * (p - theta0).sign();
        var m2 = m * Beta1 + grad * (1 - Beta1);
        var v2 = v * Beta2 + grad * grad * (1 - Beta2);
        var p2 = p * (1 - Lr * WeightDecay) - (Lr / bc1) * m2 / (v2.sqrt() / MathF.Sqrt(bc2) + Eps);
        return (p2, m2, v2);
    }

    [Fact]
    public void Sparse_adamw_matches_torch_optim_adamw_on_the_selected_elements_and_leaves_the_rest()
    {
        const long n = 600, k = 90;
        var indices = Indices(n, k, seed: 1);
        var initial = Random(n, 2).reshape(20, 30);
        var param = initial.clone();
        var m = zeros(k); var v = zeros(k); var theta0 = param.view(-1).index_select(0, indices);
        for (int step = 1; step <= 3; step++)
        {
            var grad = Random(n, 10 + step).reshape(20, 30);
            var (bc1, bc2) = BiasCorrections(step);
            AdamW.Sparse(indices, param, grad.view(-1).index_select(0, indices), m, v, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, bc1, bc2, l1: 0f);
        }
        // reference: torch.optim.AdamW with the gradient masked to the selection. It decays every element;
        // on the selected ones its result must equal ours
        var torchParam = new TorchSharp.Modules.Parameter(initial.clone());
        var adamw = optim.AdamW(new[] { torchParam }, Lr, Beta1, Beta2, Eps, WeightDecay);
        var mask = zeros(n); mask.index_fill_(0, indices, 1f); mask = mask.reshape(20, 30);
        for (int step = 1; step <= 3; step++)
        {
            adamw.zero_grad();
            var grad = Random(n, 10 + step).reshape(20, 30) * mask;
            (torchParam * grad).sum().backward();
            adamw.step();
        }
        using (no_grad())
        {
            AssertClose(torchParam.detach().view(-1).index_select(0, indices), param.view(-1).index_select(0, indices), "selected elements", rtol: 1e-5, atol: 1e-6);
            var untouched = ones(n, dtype: ScalarType.Bool); untouched.index_fill_(0, indices, false);
            AssertIdentical(initial.view(-1).masked_select(untouched), param.view(-1).masked_select(untouched), "unselected elements");
        }
    }

    [Theory]
    [InlineData(KernelBackend.Managed, 0f)]
    [InlineData(KernelBackend.Native, 0f)]
    [InlineData(KernelBackend.Managed, 1e-3f)]
    [InlineData(KernelBackend.Native, 1e-3f)]
    public void Every_form_matches_the_torchsharp_formula(KernelBackend backend, float l1)
    {
        const long n = 1000, k = 137;
        const int step = 4;
        var (bc1, bc2) = BiasCorrections(step);
        var param = Random(n, 3); var grad = Random(n, 4); var theta0Full = param + Random(n, 5, 0.01f);

        // dense
        var mD = Random(n, 6, 0.1f); var vD = RandomPositive(n, 7).mul_(0.01f);
        var (ep, em, ev) = Expected(param, grad, mD, vD, theta0Full, step, l1);
        var p = param.clone(); var m = mD.clone(); var v = vD.clone();
        AdamW.Dense(p, grad, m, v, theta0Full, Lr, Beta1, Beta2, Eps, WeightDecay, bc1, bc2, l1, backend);
        AssertClose(ep, p, "dense param"); AssertClose(em, m, "dense m"); AssertClose(ev, v, "dense v");

        // sparse
        var idx = Indices(n, k, 8);
        var mS = Random(k, 9, 0.1f); var vS = RandomPositive(k, 10).mul_(0.01f); var theta0 = theta0Full.index_select(0, idx);
        (ep, em, ev) = Expected(param.index_select(0, idx), grad.index_select(0, idx), mS, vS, theta0, step, l1);
        p = param.clone(); m = mS.clone(); v = vS.clone();
        AdamW.Sparse(idx, p, grad.index_select(0, idx), m, v, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, bc1, bc2, l1, IndexCheck.Validate, backend);
        AssertClose(ep, p.index_select(0, idx), "sparse param"); AssertClose(em, m, "sparse m"); AssertClose(ev, v, "sparse v");
    }

    [Fact]
    public void Multi_tensor_form_equals_one_sparse_call_per_tensor_in_both_backends()
    {
        long[][] shapes = [[7, 5], [64], [3, 4, 6], [10], [1]];
        var sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        long[] counts = [6, 64, 0, 3, 1]; // a full tensor, an empty selection and a single element
        var indices = sizes.Select((s, t) => Indices(s, counts[t], 20 + t)).ToArray();
        var set = SparseTensorSet.Create(indices, sizes, shapes.Select((_, t) => $"layer{t}.weight").ToArray());
        Assert.Equal(counts.Sum(), set.TotalCount);
        var (bc1, bc2) = BiasCorrections(2);

        var parameters = shapes.Select((s, t) => Random(sizes[t], 30 + t).reshape(s)).ToArray();
        var grads = shapes.Select((s, t) => Random(sizes[t], 40 + t).reshape(s)).ToArray();
        var m0 = Random(set.TotalCount, 50, 0.1f); var v0 = RandomPositive(set.TotalCount, 51).mul_(0.01f);
        var theta0 = Random(set.TotalCount, 52);

        // expected: the sparse form, tensor by tensor, on slices of the compact buffers
        var expectedParams = parameters.Select(p => p.clone()).ToArray();
        var em = m0.clone(); var ev = v0.clone();
        for (int t = 0; t < shapes.Length; t++)
        {
            long o = set.Offsets[t], c = set.Counts[t];
            var ms = em.narrow(0, o, c); var vs = ev.narrow(0, o, c); var ts = theta0.narrow(0, o, c).contiguous();
            AdamW.Sparse(indices[t], expectedParams[t], grads[t].view(-1).index_select(0, indices[t]), ms, vs, ts, Lr, Beta1, Beta2, Eps, WeightDecay, bc1, bc2, 1e-3f, backend: KernelBackend.Managed);
        }
        foreach (var backend in Backends())
        {
            var ps = parameters.Select(p => p.clone()).ToArray();
            var m = m0.clone(); var v = v0.clone();
            AdamW.MultiTensor(set, ps, cat(grads.Select((g, t) => g.view(-1).index_select(0, indices[t])).ToArray()), m, v, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, bc1, bc2, 1e-3f, backend);
            for (int t = 0; t < shapes.Length; t++) AssertIdentical(expectedParams[t], ps[t], $"{backend} tensor {t}");
            AssertIdentical(em, m, $"{backend} m"); AssertIdentical(ev, v, $"{backend} v");
        }
    }

    [Fact]
    public void Native_and_managed_kernels_agree_bit_for_bit()
    {
        Assert.True(NativeLibraryInfo.IsAvailable, NativeLibraryInfo.LoadError);
        const long n = 5000, k = 2500;
        var idx = Indices(n, k, 60);
        var param = Random(n, 61); var grad = Random(n, 62); var theta0 = Random(k, 63);
        var results = Backends().Select(backend =>
        {
            var p = param.clone(); var m = Random(k, 64, 0.1f); var v = RandomPositive(k, 65);
            AdamW.Sparse(idx, p, grad.index_select(0, idx), m, v, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, 0.19f, 0.002f, 1e-4f, IndexCheck.Trusted, backend);
            return (p, m, v);
        }).ToArray();
        AssertIdentical(results[0].p, results[1].p, "param");
        AssertIdentical(results[0].m, results[1].m, "m");
        AssertIdentical(results[0].v, results[1].v, "v");
    }

    [Fact]
    public void Nan_and_infinity_stay_in_their_element_and_both_backends_agree()
    {
        // Behaviour: a NaN gradient makes that element's m, v and parameter NaN (as torch.optim.AdamW does);
        // an infinite gradient makes m infinite and v infinite, so the step is inf/inf = NaN. Other elements are unaffected.
        const long n = 8;
        var idx = tensor(new long[] { 1, 3, 5, 6 });
        var grad = tensor(new[] { 0f, float.NaN, 0f, float.PositiveInfinity, 0f, 1f, 2f, 0f });
        var results = Backends().Select(backend =>
        {
            var p = ones(n); var m = zeros(4); var v = zeros(4);
            AdamW.Sparse(idx, p, grad.index_select(0, idx), m, v, ones(4), Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 0f, backend: backend);
            return (p, m, v);
        }).ToArray();
        var (pm, mm, vm) = results[0];
        var values = Values(pm);
        Assert.True(float.IsNaN(values[1]) && float.IsNaN(values[3]));
        Assert.True(float.IsFinite(values[5]) && float.IsFinite(values[6]));
        Assert.Equal(1f, values[0]); Assert.Equal(1f, values[7]);
        Assert.True(float.IsNaN(Values(mm)[0]) && float.IsPositiveInfinity(Values(mm)[1]));
        AssertIdentical(pm, results[1].p, "param"); AssertIdentical(mm, results[1].m, "m"); AssertIdentical(vm, results[1].v, "v");
    }

    [Fact]
    public void Empty_selections_and_empty_tensors_are_no_ops()
    {
        foreach (var backend in Backends())
        {
            var p = Random(10, 70); var before = p.clone();
            var empty = zeros(0);
            AdamW.Sparse(zeros(0, dtype: ScalarType.Int64), p, empty, empty, empty, empty, Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 0f, backend: backend);
            AssertIdentical(before, p, "K = 0");
            AdamW.Dense(empty, empty, empty, empty, empty, Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 0f, backend);
            var set = SparseTensorSet.Create([], []);
            AdamW.MultiTensor(set, [], empty, empty, empty, empty, Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 0f, backend);
        }
    }

    [Fact]
    public void Sparse_over_every_index_equals_dense()
    {
        const long n = 300;
        var all = arange(n, dtype: ScalarType.Int64);
        var param = Random(n, 80); var grad = Random(n, 81); var theta0 = Random(n, 82);
        var pD = param.clone(); var mD = zeros(n); var vD = zeros(n);
        var pS = param.clone(); var mS = zeros(n); var vS = zeros(n);
        AdamW.Dense(pD, grad, mD, vD, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 1e-3f);
        AdamW.Sparse(all, pS, grad.index_select(0, all), mS, vS, theta0, Lr, Beta1, Beta2, Eps, WeightDecay, 0.1f, 0.001f, 1e-3f);
        AssertIdentical(pD, pS, "param"); AssertIdentical(mD, mS, "m"); AssertIdentical(vD, vS, "v");
    }
}
