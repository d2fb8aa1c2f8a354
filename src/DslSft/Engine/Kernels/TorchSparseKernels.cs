using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// The reference <see cref="ISparseKernels"/> in plain TorchSharp. Sparse work is done with gathers and
/// scatters on flat views over one concatenated K-length buffer, so the element-wise AdamW math runs once per
/// call rather than once per tensor, and no dense mask or dense moment is ever built.
/// </summary>
public sealed class TorchSparseKernels : ISparseKernels
{
    public static TorchSparseKernels Instance { get; } = new();

    /// <summary>Scores sampled to estimate the selection threshold; below 4× this many entries a plain top-k is used.</summary>
    internal int ThresholdSample { get; init; } = 1 << 18;

    /// <summary>Entries per slice when summing squared dense gradients (4 MiB of float32 temporaries at a time).</summary>
    private const long NormSliceLength = 1 << 20;

    public IReadOnlyList<Tensor> SelectLargestChanges(IReadOnlyList<SelectionCandidate> candidates, long k)
    {
        for (var i = 0; i < candidates.Count; i++)
            if (!candidates[i].Current.shape.SequenceEqual(candidates[i].Original.shape))
                throw new ArgumentException($"selection candidate {i}: current shape [{string.Join(",", candidates[i].Current.shape)}] differs from original [{string.Join(",", candidates[i].Original.shape)}]");
        using var noGrad = torch.no_grad();
        return SelectTop(
            candidates.Select(c => c.Current.numel()).ToArray(),
            candidates.Select(c => c.Excluded).ToArray(),
            k,
            (i, into) => into.copy_(candidates[i].Current.detach().reshape(-1)).sub_(candidates[i].Original.reshape(-1)).abs_(),
            candidates.Count == 0 ? torch.CPU : candidates[0].Current.device);
    }

    public IReadOnlyList<Tensor> SelectRandom(IReadOnlyList<long> sizes, IReadOnlyList<Tensor?> excluded, long k, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        // Uniform scores and a top-k over them give a uniform subset without replacement; excluded entries get -1.
        return SelectTop(sizes.ToArray(), excluded.ToArray(), k, (_, into) => into.uniform_(0, 1, generator), torch.CPU);
    }

    /// <summary>Fills one flat score buffer (tensor by tensor), masks exclusions, takes the top k and splits per tensor.</summary>
    private IReadOnlyList<Tensor> SelectTop(long[] sizes, Tensor?[] excluded, long k, Action<int, Tensor> fillScores, Device device)
    {
        var total = sizes.Sum();
        var available = total - excluded.Sum(e => e?.numel() ?? 0);
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be non-negative");
        if (k > available)
            throw new ArgumentException($"asked to select {k} entries, but only {available} of {total} are not yet selected");
        var offsets = new long[sizes.Length + 1];
        for (var i = 0; i < sizes.Length; i++) offsets[i + 1] = offsets[i] + sizes[i];

        using var scope = torch.NewDisposeScope();
        var scores = torch.empty(total, ScalarType.Float32, device);
        for (var i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == 0) continue;
            var slice = scores.narrow(0, offsets[i], sizes[i]);
            fillScores(i, slice);
            if (excluded[i] is { } ex && ex.numel() > 0) slice.index_fill_(0, ex.to(device), -1f);
        }
        var chosen = k == 0 ? torch.empty(0, ScalarType.Int64, device) : TopKIndices(scores, k);
        var (sorted, _) = torch.sort(chosen);
        var bounds = torch.searchsorted(sorted, torch.tensor(offsets, device: device)).cpu().data<long>().ToArray();
        var result = new Tensor[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
            result[i] = (sorted.narrow(0, bounds[i], bounds[i + 1] - bounds[i]) - offsets[i]).contiguous().MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Indices of the k largest scores. A full top-k over N scores is slow on CPU, so for large N a threshold is
    /// estimated from a seeded sample, set a little low so that at least k scores pass it; the exact top-k is then
    /// taken among those candidates only. Every score above the k-th largest passes any threshold that k scores
    /// pass, so the result is exact; when the estimate lets fewer than k through, the full top-k is used.
    /// </summary>
    private Tensor TopKIndices(Tensor scores, long k)
    {
        var n = scores.numel();
        if (n < 4L * ThresholdSample || k > n / 4) return torch.topk(scores, (int)k, largest: true, sorted: false).indices;
        using var generator = new torch.Generator(0x5eed, scores.device);
        var sample = scores.index_select(0, torch.randint(0, n, new long[] { ThresholdSample }, ScalarType.Int64, scores.device, generator: generator));
        // Rank within the sample that corresponds to k in the whole, widened by ~6 standard deviations of a binomial count.
        var expected = (double)k / n * ThresholdSample;
        var rank = (long)Math.Min(ThresholdSample, Math.Ceiling(expected + 6 * Math.Sqrt(expected) + 16));
        var threshold = torch.topk(sample, (int)rank, largest: true, sorted: false).values.min();
        var candidates = scores.ge(threshold).nonzero().reshape(-1);
        if (candidates.numel() < k) return torch.topk(scores, (int)k, largest: true, sorted: false).indices;
        var best = torch.topk(scores.index_select(0, candidates), (int)k, largest: true, sorted: false).indices;
        return candidates.index_select(0, best);
    }

    public double DenseSquaredGradNorm(IReadOnlyList<DenseUpdateTensor> tensors, float l1)
    {
        using var noGrad = torch.no_grad();
        double sum = 0;
        foreach (var t in tensors)
        {
            using var tensorScope = torch.NewDisposeScope();
            var grad = t.Grad.reshape(-1);
            var param = t.Param.detach().reshape(-1);
            var original = t.Original?.reshape(-1);
            // Slice by slice, each slice's temporaries (effective gradient, square) freed before the next: over a
            // whole model they would otherwise add two dense copies of every gradient to the full phase's peak.
            for (long start = 0, n = grad.numel(); start < n; start += NormSliceLength)
            {
                using var sliceScope = torch.NewDisposeScope();
                var length = Math.Min(NormSliceLength, n - start);
                var g = EffectiveGradient(grad.narrow(0, start, length), param.narrow(0, start, length), original?.narrow(0, start, length), l1, gradScale: 1f);
                sum += g.square().sum(ScalarType.Float64).item<double>();
            }
        }
        return sum;
    }

    public double SparseSquaredGradNorm(SparseUpdateGroup group, float l1)
    {
        if (group.Count == 0) return 0;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var grad = group.Grad.clone();
        if (l1 != 0)
            grad.add_(torch.sign(Gather(group.Params, group.Indices, group.Offsets).sub_(group.Original)), alpha: l1);
        return grad.square().sum(ScalarType.Float64).item<double>();
    }

    public void DenseAdamWStep(IReadOnlyList<DenseAdamWTensor> tensors, AdamWScalars s)
    {
        using var noGrad = torch.no_grad();
        foreach (var t in tensors)
        {
            // One scope per tensor: its temporaries go before the next tensor's are made.
            using var scope = torch.NewDisposeScope();
            var g = EffectiveGradient(t.Grad, t.Param, t.Original, s.L1, s.GradScale);
            AdamW(t.Param, g, t.ExpAvg, t.ExpAvgSq, s);
        }
    }

    public void SparseAdamWStep(SparseAdamWGroup group, AdamWScalars s)
    {
        if (group.Count == 0) return;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var param = Gather(group.Params, group.Indices, group.Offsets);
        var grad = group.Grad.clone();
        if (s.GradScale != 1f) grad.mul_(s.GradScale);
        if (s.L1 != 0) grad.add_(torch.sign(param - group.Original), alpha: s.L1 * s.GradScale);
        AdamW(param, grad, group.ExpAvg, group.ExpAvgSq, s);
        for (var i = 0; i < group.Params.Count; i++)
        {
            var length = group.Offsets[i + 1] - group.Offsets[i];
            if (length == 0) continue;
            group.Params[i].detach().view(-1).index_copy_(0, group.Indices[i], param.narrow(0, group.Offsets[i], length));
        }
    }

    /// <summary>The AdamW update of torch.optim.AdamW (non-amsgrad), in place on same-shaped tensors.</summary>
    private static void AdamW(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamWScalars s)
    {
        expAvg.mul_(s.Beta1).add_(grad, alpha: 1 - s.Beta1);
        expAvgSq.mul_(s.Beta2).addcmul_(grad, grad, value: 1 - s.Beta2);
        var denom = expAvgSq.sqrt().div_(MathF.Sqrt(s.BiasCorrection2)).add_(s.Epsilon);
        var p = param.detach();
        if (s.WeightDecay != 0) p.mul_(1 - s.LearningRate * s.WeightDecay);
        p.addcdiv_(expAvg, denom, value: -s.LearningRate / s.BiasCorrection1);
    }

    /// <summary>
    /// GradScale · (grad + l1·sign(θ − θ0)), built in one temporary with in-place ops (or the gradient itself when
    /// nothing changes it): on a BERT-sized tensor each extra temporary is a fresh multi-megabyte allocation.
    /// </summary>
    private static Tensor EffectiveGradient(Tensor grad, Tensor param, Tensor? original, float l1, float gradScale)
    {
        if (l1 == 0) return gradScale == 1f ? grad : grad * gradScale;
        if (original is null) throw new ArgumentException("an L1 coefficient needs the original values θ0");
        var g = torch.sub(param.detach(), original).sign_().mul_(l1).add_(grad);
        return gradScale == 1f ? g : g.mul_(gradScale);
    }

    /// <summary>Concatenates the entries at each tensor's indices into one K-length buffer.</summary>
    private static Tensor Gather(IReadOnlyList<Tensor> tensors, IReadOnlyList<Tensor> indices, long[] offsets)
    {
        if (tensors.Count == 1) return tensors[0].detach().reshape(-1).index_select(0, indices[0]);
        var parts = new Tensor[tensors.Count];
        for (var i = 0; i < tensors.Count; i++) parts[i] = tensors[i].detach().reshape(-1).index_select(0, indices[i]);
        return torch.cat(parts, 0);
    }
}
