using DslSft.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Models.Autograd;

/// <summary>
/// Gradient checkpointing of one encoder layer, as HF's <c>gradient_checkpointing</c> (torch.utils.checkpoint,
/// reentrant form) does it: the forward pass runs without recording a graph and keeps only the layer's input; the
/// backward pass runs the layer again with the random state of the first run (so dropout draws the same masks),
/// then backpropagates through that recomputation. Activations inside the layer thus live only while that layer's
/// backward runs, for the price of a second forward pass per layer.
/// Arguments: hidden states, additive attention mask, the <see cref="BertLayer"/>.
/// </summary>
internal sealed class CheckpointedLayer : torch.autograd.SingleTensorFunction<CheckpointedLayer>
{
    public override string Name => nameof(CheckpointedLayer);

    /// <summary>The layer's output; its gradients come from a recomputation in backward.</summary>
    public static Tensor Forward(BertLayer layer, Tensor hidden, Tensor additiveMask) =>
        // A function none of whose tensor inputs needs a gradient gets no backward at all, and the layer's parameters
        // would get none either (frozen embeddings below the first layer); a detached input that asks for one keeps
        // the recomputation in the graph, and its own gradient is simply dropped.
        apply(hidden.requires_grad ? hidden : hidden.detach().requires_grad_(true), additiveMask, layer);

    /// <summary>The random state before the forward pass (a holder: tensors in saved data draw a warning).</summary>
    private sealed record RandomState(Tensor State);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (hidden, mask, layer) = ((Tensor)vars[0], (Tensor)vars[1], (BertLayer)vars[2]);
        ctx.save_for_backward(new() { hidden, mask });
        ctx.save_data("layer", layer);
        ctx.save_data("rng", new RandomState(torch.random.get_rng_state().DetachFromDisposeScope()));
        return layer.forward(hidden, mask);  // autograd is off here: no graph, no saved activations
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        HandedBackGradients.Release();
        var saved = ctx.get_saved_variables();
        var layer = (BertLayer)ctx.get_data("layer");
        using var rng = ((RandomState)ctx.get_data("rng")).State;
        Tensor inputGradient;
        using (var scope = torch.NewDisposeScope())
        {
            var resume = torch.random.get_rng_state();
            torch.random.set_rng_state(rng);
            using (torch.enable_grad())
            {
                var input = saved[0].detach().requires_grad_(true);
                var output = layer.forward(input, saved[1]);
                // Reentrant backward: parameter gradients (dense .grad or sampled targets) accumulate as they would have.
                output.backward(new[] { gradOutput });
                inputGradient = input.grad!.MoveToOuterDisposeScope();
            }
            torch.random.set_rng_state(resume);  // later draws continue as if nothing had been recomputed
        }
        gradOutput.Dispose();
        return new() { HandedBackGradients.Keep(inputGradient), null!, null! };
    }
}
