using DslSft.Kernels;
using TorchSharp.Modules;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>The SGD rule against torch.optim.SGD, with and without momentum.</summary>
public class SgdKernelTests
{
    [Theory]
    [InlineData(KernelBackend.Managed, 0.0)]
    [InlineData(KernelBackend.Native, 0.0)]
    [InlineData(KernelBackend.Managed, 0.9)]
    [InlineData(KernelBackend.Native, 0.9)]
    public void Sparse_sgd_matches_torch_optim_sgd_on_the_selected_elements(KernelBackend backend, double momentum)
    {
        const long n = 200, k = 33;
        const float lr = 0.05f, weightDecay = 0.01f;
        var idx = Indices(n, k, 1);
        var initial = Random(n, 2);
        var param = initial.clone(); var buffer = zeros(k);
        var torchParam = new Parameter(initial.clone());
        var sgd = optim.SGD(new[] { torchParam }, lr, momentum: momentum, weight_decay: weightDecay);
        for (int step = 1; step <= 3; step++)
        {
            var grad = Random(n, 10 + step);
            // the rule's gradient is compact (the K values at the selection); theta0 only matters with l1 != 0
            Sgd.Sparse(idx, param, grad.index_select(0, idx), buffer, param.index_select(0, idx), lr, (float)momentum, weightDecay,
                firstStep: step == 1, l1: 0f, backend: backend);
            sgd.zero_grad();
            var masked = zeros(n).index_copy(0, idx, grad.index_select(0, idx));
            // torch's weight decay acts on every element, so compare the selection only
            (torchParam * masked).sum().backward();
            sgd.step();
        }
        using var _ = no_grad();
        AssertClose(torchParam.detach().index_select(0, idx), param.index_select(0, idx), "selected", rtol: 1e-5, atol: 1e-6);
        var untouched = ones(n, dtype: ScalarType.Bool).index_fill(0, idx, false);
        AssertIdentical(initial.masked_select(untouched), param.masked_select(untouched), "unselected");
        if (momentum == 0) AssertIdentical(zeros(k), buffer, "momentum buffer untouched without momentum");
    }
}
