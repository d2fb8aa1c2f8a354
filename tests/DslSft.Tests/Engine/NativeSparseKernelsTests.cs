using DslSft.Engine.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

/// <summary>The native backend of the engine (generated kernels + native top-K) against the TorchSharp reference.</summary>
public class NativeSparseKernelsTests
{
    private static readonly long[][] Shapes = [[7, 5], [13], [4, 3, 2]];

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(0.37f, 0f)]     // clipping active
    [InlineData(0.37f, 2e-3f)]  // clipping and L1 toward θ0
    public void Sparse_step_matches_the_reference(float gradScale, float l1)
    {
        var (native, reference) = (MakeGroup(seed: 1), MakeGroup(seed: 1));
        var scalars = AdamWScalars.ForStep(3, 1e-2f, 0.9f, 0.999f, 1e-6f, 0.01f, gradScale, l1);
        for (int step = 0; step < 3; step++)
        {
            NativeSparseKernels.Instance.SparseAdamWStep(native.WithGrads(step), scalars);
            TorchSparseKernels.Instance.SparseAdamWStep(reference.WithGrads(step), scalars);
        }
        for (int t = 0; t < Shapes.Length; t++)
            AssertClose(reference.Params[t], native.Params[t], 1e-6);
        AssertClose(reference.ExpAvg, native.ExpAvg, 1e-6);
        AssertClose(reference.ExpAvgSq, native.ExpAvgSq, 1e-7);
        // Entries outside the selection are never touched.
        for (int t = 0; t < Shapes.Length; t++)
        {
            using var untouched = native.Params[t].flatten().clone();
            untouched.index_fill_(0, native.Indices[t], 0f);
            using var initial = native.Initial[t].flatten().clone();
            initial.index_fill_(0, native.Indices[t], 0f);
            Assert.True(untouched.equal(initial).all().item<bool>());
        }
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(0.5f, 1e-3f)]
    public void Dense_step_matches_the_reference(float gradScale, float l1)
    {
        torch.manual_seed(5);
        var p = randn(6, 4); var g = randn(6, 4); var theta0 = p + 0.1f * randn(6, 4);
        DenseAdamWTensor Make() => new(p.clone(), g.clone(), zeros(6, 4), zeros(6, 4), theta0.clone());
        var (a, b) = (Make(), Make());
        var scalars = AdamWScalars.ForStep(1, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, gradScale, l1);
        NativeSparseKernels.Instance.DenseAdamWStep([a], scalars);
        TorchSparseKernels.Instance.DenseAdamWStep([b], scalars);
        AssertClose(b.Param, a.Param, 1e-6);
        AssertClose(b.ExpAvgSq, a.ExpAvgSq, 1e-7);
    }

    [Fact]
    public void Selection_matches_the_reference_including_exclusions()
    {
        torch.manual_seed(9);
        var current = Shapes.Select(s => randn(s)).ToArray();
        var original = current.Select(c => c + randn(c.shape)).ToArray();
        var excluded = new Tensor?[] { tensor(new long[] { 0, 3 }), null, tensor(new long[] { 5 }) };
        var candidates = current.Select((c, i) => new SelectionCandidate(c, original[i], excluded[i])).ToList();
        var ours = NativeSparseKernels.Instance.SelectLargestChanges(candidates, 20);
        var theirs = TorchSparseKernels.Instance.SelectLargestChanges(candidates, 20);
        Assert.Equal(20, ours.Sum(t => t.numel()));
        for (int i = 0; i < ours.Count; i++)
            Assert.Equal(theirs[i].data<long>().ToArray(), ours[i].data<long>().ToArray());
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= tolerance, $"max |difference| {diff} > {tolerance}");
    }

    private sealed record Group(Tensor[] Params, Tensor[] Initial, Tensor[] Indices, long[] Offsets, Tensor ExpAvg, Tensor ExpAvgSq, Tensor Original, int Seed)
    {
        public SparseAdamWGroup WithGrads(int step)
        {
            var generator = new torch.Generator((ulong)(Seed * 100 + step));
            var grads = Params.Select(p => torch.randn(p.shape, generator: generator)).ToArray();
            var compact = torch.cat(grads.Select((g, i) => g.flatten().index_select(0, Indices[i])).ToArray(), 0);
            return new SparseAdamWGroup(Params, compact, Indices, Offsets, ExpAvg, ExpAvgSq, Original);
        }
    }

    private static Group MakeGroup(int seed)
    {
        var generator = new torch.Generator((ulong)seed);
        var ps = Shapes.Select(s => torch.randn(s, generator: generator)).ToArray();
        var initial = ps.Select(p => p.clone()).ToArray();
        var indices = new[] { tensor(new long[] { 0, 4, 9, 30, 34 }), tensor(new long[] { 2, 3, 12 }), tensor(new long[] { 0, 23 }) };
        var offsets = new long[] { 0, 5, 8, 10 };
        // θ0 differs from θ so the L1 sign term is non-trivial.
        var original = torch.cat(ps.Select((p, i) => p.flatten().index_select(0, indices[i]) + 0.05f).ToArray(), 0);
        return new Group(ps, initial, indices, offsets, zeros(10), zeros(10), original, seed);
    }
}
