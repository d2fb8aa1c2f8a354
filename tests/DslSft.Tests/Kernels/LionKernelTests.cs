using DslSft.Kernels;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>The Lion rule against hand-computed values and against Lion written with TorchSharp ops.</summary>
public class LionKernelTests
{
    [Theory]
    [InlineData(KernelBackend.Managed)]
    [InlineData(KernelBackend.Native)]
    public void One_step_by_hand(KernelBackend backend)
    {
        // c = 0.9·m + 0.1·g: 0.9·0.5 + 0.1·(−1) = 0.35 → +1; 0.9·(−0.1) + 0.1·0.2 = −0.07 → −1; 0 → 0.
        var param = tensor(new[] { 1f, 2f, 3f });
        var grad = tensor(new[] { -1f, 0.2f, 0f });
        var m = tensor(new[] { 0.5f, -0.1f, 0f });
        Lion.Dense(param, grad, m, param.clone(), lr: 0.1f, beta1: 0.9f, beta2: 0.99f, weightDecay: 0.5f, l1: 0f, backend: backend);
        // θ − lr·(sign + wd·θ): 1 − 0.1·(1 + 0.5) = 0.85; 2 − 0.1·(−1 + 1) = 2; 3 − 0.1·(0 + 1.5) = 2.85
        AssertClose(tensor(new[] { 0.85f, 2f, 2.85f }), param, "param");
        // m = 0.99·m + 0.01·g
        AssertClose(tensor(new[] { 0.99f * 0.5f - 0.01f, 0.99f * -0.1f + 0.002f, 0f }), m, "momentum");
    }

    [Theory]
    [InlineData(KernelBackend.Managed)]
    [InlineData(KernelBackend.Native)]
    public void Sparse_lion_matches_torch_ops_on_the_selected_elements_and_leaves_the_rest(KernelBackend backend)
    {
        const long n = 300, k = 41;
        const float lr = 0.01f, beta1 = 0.9f, beta2 = 0.99f, wd = 0.1f, l1 = 0.05f;
        var idx = Indices(n, k, 3);
        var initial = Random(n, 4);
        var theta0 = initial.index_select(0, idx).clone();
        var param = initial.clone();
        var m = zeros(k);
        var p = initial.index_select(0, idx);
        var expectedM = zeros(k);
        for (var step = 1; step <= 3; step++)
        {
            var grad = Random(k, 20 + step);
            Lion.Sparse(idx, param, grad, m, theta0, lr, beta1, beta2, wd, l1, backend: backend);
            var g = grad + l1 * (p - theta0).sign();
            var update = (expectedM * beta1 + g * (1 - beta1)).sign();
            p = p - lr * (update + wd * p);
            expectedM = expectedM * beta2 + g * (1 - beta2);
        }
        AssertClose(p, param.index_select(0, idx), "selected", rtol: 1e-5, atol: 1e-6);
        AssertClose(expectedM, m, "momentum", rtol: 1e-5, atol: 1e-6);
        var untouched = ones(n, dtype: ScalarType.Bool).index_fill(0, idx, false);
        AssertIdentical(initial.masked_select(untouched), param.masked_select(untouched), "unselected");
    }
}
