using DslSft.Models.Autograd;
using DslSft.Sparse;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Models.SampledGradients;

/// <summary>
/// y = x·Wᵀ + b whose backward computes dx = dy·W and db = Σ dy densely, as torch's linear does, but the weight
/// gradient only at the selected entries: for each selected (o, i), Σ_t dy[t, o]·x[t, i], a sampled dense-dense
/// product (<see cref="SampledProduct"/>) added straight into the target's compact slots. No dense weight
/// gradient is ever allocated, and the weight's .grad stays unset.
/// Arguments: input, weight, bias (or null), <see cref="SampledGradientTarget"/>, whether the bias needs a gradient.
/// </summary>
internal sealed class SampledLinearFunction : torch.autograd.SingleTensorFunction<SampledLinearFunction>
{
    public override string Name => nameof(SampledLinearFunction);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, bias) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        ctx.save_for_backward(new() { input, weight });
        ctx.save_data("target", vars[3]);
        ctx.save_data("inputNeedsGrad", input.requires_grad);
        ctx.save_data("biasNeedsGrad", vars[4]);
        // The same kernel as the dense path, so the forward pass (and the loss) are bit-identical to it.
        return nn.functional.linear(input, weight, bias);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        HandedBackGradients.Release();  // the previous backward's results: autograd has them by now
        using var scope = torch.NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (input, weight) = (saved[0], saved[1]);
        var target = (SampledGradientTarget)ctx.get_data("target");
        long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
        var dy = gradOutput.reshape(-1, outFeatures);
        // dW = dyᵀ·x at the selected entries: rows of dyᵀ and xᵀ are token-contiguous, so each entry is one dot product.
        SampledProduct.Accumulate(dy.t().contiguous(), input.reshape(-1, inFeatures).t().contiguous(), target.Indices, target.Gradient);
        var dx = (bool)ctx.get_data("inputNeedsGrad") ? gradOutput.matmul(weight) : null;
        var db = (bool)ctx.get_data("biasNeedsGrad") ? dy.sum(new long[] { 0 }) : null; // (a bare 0 would bind to the dtype overload)
        gradOutput.Dispose();
        return new() { HandedBackGradients.Keep(dx), null!, HandedBackGradients.Keep(db), null!, null! };
    }
}
