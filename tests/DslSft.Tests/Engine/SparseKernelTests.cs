using DslSft.Engine.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

public class SparseKernelTests
{
    private static readonly ISparseKernels Kernels = TorchSparseKernels.Instance;

    private static Tensor Random(long seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return torch.randn(shape, generator: g);
    }

    [Fact]
    public void SelectLargestChangesPicksTheGlobalTopKAndSkipsExclusions()
    {
        var current = new[] { Random(1, 4, 5), Random(2, 7), Random(3, 3, 2) };
        var original = new[] { Random(4, 4, 5), Random(5, 7), Random(6, 3, 2) };
        var excluded = new Tensor?[] { torch.tensor(new long[] { 0, 3, 19 }), null, torch.tensor(new long[] { 5 }) };
        var chosen = Kernels.SelectLargestChanges(current.Select((c, i) => new SelectionCandidate(c, original[i], excluded[i])).ToList(), 9);

        // Expectation by sorting every eligible |Δ| in managed code.
        var expected = new List<(float, int, long)>();
        for (var t = 0; t < 3; t++)
        {
            var delta = (current[t] - original[t]).abs().reshape(-1).data<float>().ToArray();
            var ex = excluded[t]?.data<long>().ToHashSet() ?? new HashSet<long>();
            for (var i = 0; i < delta.Length; i++) if (!ex.Contains(i)) expected.Add((delta[i], t, i));
        }
        var top = expected.OrderByDescending(e => e.Item1).Take(9).ToList();
        for (var t = 0; t < 3; t++)
            Assert.Equal(top.Where(e => e.Item2 == t).Select(e => e.Item3).Order().ToArray(), chosen[t].data<long>().ToArray());
    }

    [Theory]
    [InlineData(50)]
    [InlineData(600)]
    [InlineData(3000)]
    public void SampledThresholdSelectionEqualsAFullTopK(long k)
    {
        // A small sample forces the threshold path on 2×5000 scores; the result must be the exact top-k.
        var kernels = new TorchSparseKernels { ThresholdSample = 512 };
        var current = new[] { Random(7, 50, 100), Random(8, 5000) };
        var original = new[] { Random(9, 50, 100), Random(10, 5000) };
        var excluded = new Tensor?[] { torch.arange(0, 5000, 3, ScalarType.Int64), null };
        var candidates = current.Select((c, i) => new SelectionCandidate(c, original[i], excluded[i])).ToList();
        var sampled = kernels.SelectLargestChanges(candidates, k);
        var scores = torch.cat(new[] { (current[0] - original[0]).abs().reshape(-1).index_fill(0, excluded[0]!, -1f), (current[1] - original[1]).abs().reshape(-1) }, 0);
        var (expected, _) = torch.sort(torch.topk(scores, (int)k).indices);
        var got = torch.cat(new[] { sampled[0], sampled[1] + 5000 }, 0);
        Assert.Equal(expected.data<long>().ToArray(), got.data<long>().ToArray());
    }

    [Fact]
    public void SelectionRefusesMoreThanAvailable()
    {
        var c = new SelectionCandidate(Random(1, 4), Random(2, 4), torch.tensor(new long[] { 1 }));
        var error = Assert.Throws<ArgumentException>(() => Kernels.SelectLargestChanges(new[] { c }, 4));
        Assert.Contains("only 3 of 4", error.Message);
    }

    [Fact]
    public void SelectRandomIsExactSeededAndAvoidsExclusions()
    {
        var sizes = new long[] { 100, 50, 7 };
        var excluded = new Tensor?[] { torch.arange(0, 100, 2, ScalarType.Int64), null, null };
        var a = Kernels.SelectRandom(sizes, excluded, 40, seed: 3);
        var b = Kernels.SelectRandom(sizes, excluded, 40, seed: 3);
        var c = Kernels.SelectRandom(sizes, excluded, 40, seed: 4);
        Assert.Equal(40, a.Sum(t => t.numel()));
        Assert.All(a[0].data<long>().ToArray(), i => Assert.Equal(1, i % 2));
        for (var t = 0; t < 3; t++) Assert.Equal(a[t].data<long>().ToArray(), b[t].data<long>().ToArray());
        Assert.NotEqual(a.SelectMany(t => t.data<long>().ToArray()), c.SelectMany(t => t.data<long>().ToArray()));
    }

    [Fact]
    public void DenseStepWithL1EqualsTorchAdamWOnTheAutogradLoss()
    {
        const float lambda = 0.3f, lr = 0.05f, wd = 0.1f;
        var theta0 = Random(1, 6, 4);
        var ours = (theta0 + Random(2, 6, 4) * 0.1f).detach();
        var theirs = torch.nn.Parameter(ours.clone());
        var target = Random(3, 6, 4);
        var m = torch.zeros_like(ours);
        var v = torch.zeros_like(ours);
        var optimizer = torch.optim.AdamW(new[] { theirs }, lr: lr, weight_decay: wd);
        for (var step = 1; step <= 5; step++)
        {
            // Reference: the L1 term is part of the loss and autograd differentiates it.
            optimizer.zero_grad();
            var loss = (theirs - target).square().sum() + lambda * (theirs - theta0).abs().sum();
            loss.backward();
            optimizer.step();

            // Ours: the gradient of the data loss only; L1 enters the update as λ·sign(θ − θ0).
            var grad = 2 * (ours - target);
            Kernels.DenseAdamWStep(new[] { new DenseAdamWTensor(ours, grad, m, v, theta0) },
                AdamWScalars.ForStep(step, lr, 0.9f, 0.999f, 1e-8f, wd, gradScale: 1f, l1: lambda));
            Assert.True(ours.allclose(theirs, rtol: 1e-5, atol: 1e-6), $"step {step}");
        }
    }

    [Fact]
    public void SparseStepEqualsAMaskedDenseStepAndTouchesNothingElse()
    {
        const float lambda = 0.2f, lr = 0.1f, wd = 0.05f, scale = 0.7f;
        var shapes = new[] { new long[] { 5, 3 }, new long[] { 8 } };
        var indices = new[] { torch.tensor(new long[] { 0, 4, 5, 14 }), torch.tensor(new long[] { 2, 7 }) };
        var theta0 = shapes.Select((s, i) => Random(10 + i, s)).ToArray();
        var param = theta0.Select((t, i) => (t + Random(20 + i, t.shape) * 0.05f).detach()).ToArray();
        var dense = param.Select(p => p.clone()).ToArray();
        var masks = shapes.Select((s, i) => torch.zeros(s).reshape(-1).index_fill_(0, indices[i], 1f).reshape(s)).ToArray();
        var dm = param.Select(p => torch.zeros_like(p)).ToArray();
        var dv = param.Select(p => torch.zeros_like(p)).ToArray();
        var offsets = new long[] { 0, 4, 6 };
        var compactOriginal = torch.cat(theta0.Select((t, i) => t.reshape(-1).index_select(0, indices[i])).ToArray(), 0);
        var m = torch.zeros(6);
        var v = torch.zeros(6);
        // The group takes the gradient compact, at the selected entries, as the sparse phase produces it.
        var group = (Tensor[] grads) => new SparseAdamWGroup(param, torch.cat(grads.Select((g, i) => g.reshape(-1).index_select(0, indices[i])).ToArray(), 0),
            indices, offsets, m, v, compactOriginal);
        for (var step = 1; step <= 4; step++)
        {
            var grads = shapes.Select((s, i) => Random(100 * step + i, s)).ToArray();
            var scalars = AdamWScalars.ForStep(step, lr, 0.9f, 0.999f, 1e-8f, wd, scale, lambda);
            // Expected: the dense AdamW formulas with every change multiplied by the mask.
            for (var i = 0; i < 2; i++)
            {
                var g = (grads[i] + lambda * torch.sign(dense[i] - theta0[i])) * scale * masks[i];
                dm[i] = dm[i] * 0.9f + g * 0.1f;
                dv[i] = dv[i] * 0.999f + g * g * 0.001f;
                var update = dm[i] / scalars.BiasCorrection1 / ((dv[i] / scalars.BiasCorrection2).sqrt() + 1e-8f);
                dense[i] = dense[i] - masks[i] * (lr * wd * dense[i] + lr * update);
            }
            Kernels.SparseAdamWStep(group(grads), scalars);
            for (var i = 0; i < 2; i++)
                Assert.True(param[i].allclose(dense[i], rtol: 1e-5, atol: 1e-5), $"step {step}, tensor {i}: max error {(param[i] - dense[i]).abs().max().item<float>()}");
        }
        // Unselected entries are bit-identical to where they started.
        for (var i = 0; i < 2; i++)
        {
            var untouched = masks[i].reshape(-1).eq(0);
            var start = (theta0[i] + Random(20 + i, shapes[i]) * 0.05f).reshape(-1);
            Assert.True(param[i].reshape(-1).masked_select(untouched).equal(start.masked_select(untouched)).all().item<bool>());
        }
    }

    [Fact]
    public void DenseSquaredNormOverManySlicesEqualsTheWholeSum()
    {
        // 2.5M entries: the kernel sums the effective gradient slice by slice (bounded temporaries).
        var theta0 = Random(3, 1250, 2000);
        var param = theta0 + Random(4, 1250, 2000) * 1e-3f;
        param.view(-1).narrow(0, 1_000_000, 500_000).copy_(theta0.view(-1).narrow(0, 1_000_000, 500_000)); // θ = θ0: no L1 term there
        var grad = Random(5, 1250, 2000);
        const float l1 = 0.5f;
        // The same float32 element math over the whole tensor at once; only the order of the float64 sum differs.
        var expected = (grad + l1 * torch.sign(param - theta0)).square().sum(ScalarType.Float64).item<double>();
        var actual = Kernels.DenseSquaredGradNorm(new[] { new DenseUpdateTensor(param, grad, [], theta0) }, l1);
        Assert.Equal(1.0, actual / expected, 10);
        var withoutL1 = Kernels.DenseSquaredGradNorm(new[] { new DenseUpdateTensor(param, grad, [], null) }, 0f);
        Assert.Equal(1.0, withoutL1 / grad.square().sum(ScalarType.Float64).item<double>(), 10);
    }

    [Fact]
    public void SquaredNormsIncludeTheL1Subgradient()
    {
        var theta0 = Random(1, 10);
        var param = theta0.clone();
        param[3] = param[3] + 1f;
        param[7] = param[7] - 1f;
        var grad = Random(2, 10);
        const float l1 = 0.25f;
        var effective = grad + l1 * torch.sign(param - theta0);
        var dense = Kernels.DenseSquaredGradNorm(new[] { new DenseUpdateTensor(param, grad, [], theta0) }, l1);
        Assert.Equal(effective.square().sum().item<float>(), dense, 4);

        var idx = torch.tensor(new long[] { 1, 3, 7 });
        var group = new SparseUpdateGroup(new[] { param }, grad.index_select(0, idx), new[] { idx }, new long[] { 0, 3 }, [], theta0.index_select(0, idx));
        Assert.Equal(effective.index_select(0, idx).square().sum().item<float>(), Kernels.SparseSquaredGradNorm(group, l1), 4);
    }
}
