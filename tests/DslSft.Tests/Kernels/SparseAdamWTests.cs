using DslSft.Kernels;
using TorchSharp.Modules;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>The engine-facing sparse AdamW: state ownership, θ0, bias corrections, against torch.optim.AdamW.</summary>
public class SparseAdamWTests
{
    [Fact]
    public void Steps_match_torch_optim_adamw_with_masked_gradients_on_every_tensor()
    {
        long[][] shapes = [[6, 8], [16], [4, 4, 2]];
        var sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        long[] counts = [12, 16, 5];
        var indices = sizes.Select((s, t) => Indices(s, counts[t], 100 + t)).ToArray();
        var set = SparseTensorSet.Create(indices, sizes);
        var initial = shapes.Select((s, t) => Random(sizes[t], 110 + t).reshape(s)).ToArray();
        var ours = initial.Select(p => p.clone()).ToArray();
        var options = new AdamWOptions(LearningRate: 0.01f, WeightDecay: 0f);
        using var optimizer = new SparseAdamW(set, ours, options);
        for (int t = 0; t < 3; t++)
            AssertIdentical(initial[t].view(-1).index_select(0, indices[t]), optimizer.Theta0.narrow(0, set.Offsets[t], set.Counts[t]), "θ0");

        var reference = initial.Select(p => new Parameter(p.clone())).ToArray();
        var adamw = optim.AdamW(reference, 0.01, 0.9, 0.999, 1e-8, 0.0);
        var masks = shapes.Select((s, t) => zeros(sizes[t]).index_fill_(0, indices[t], 1f).reshape(s)).ToArray();
        for (int step = 1; step <= 4; step++)
        {
            var grads = shapes.Select((s, t) => Random(sizes[t], 1000 * step + t).reshape(s)).ToArray();
            optimizer.Step(ours, grads);
            adamw.zero_grad();
            for (int t = 0; t < 3; t++) (reference[t] * (grads[t] * masks[t])).sum().backward();
            adamw.step();
        }
        Assert.Equal(4, optimizer.StepCount);
        using var _ = no_grad();
        // with weight decay 0, unselected elements do not move in either method, so whole tensors compare
        for (int t = 0; t < 3; t++) AssertClose(reference[t].detach(), ours[t], $"tensor {t}", rtol: 1e-5, atol: 1e-6);
    }
}
