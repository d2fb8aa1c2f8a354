using DslSft.Models.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Models.SampledGradients;

/// <summary>
/// An embedding lookup whose backward writes the table's gradient only at the selected entries of the rows
/// the batch used: the used rows' gradients are summed (at most one row per token, never the whole table),
/// then each selected (row, column) reads its value there, or zero when its row was not used.
/// Arguments: ids (int64), weight [rows, width], <see cref="SampledGradientTarget"/>.
/// </summary>
internal sealed class SampledEmbeddingFunction : torch.autograd.SingleTensorFunction<SampledEmbeddingFunction>
{
    public override string Name => nameof(SampledEmbeddingFunction);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (ids, weight) = ((Tensor)vars[0], (Tensor)vars[1]);
        ctx.save_for_backward(new() { ids });
        ctx.save_data("target", vars[2]);
        ctx.save_data("width", weight.shape[1]);
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        // A row gather, as the dense lookup is: the same values.
        return weight.index_select(0, ids.reshape(-1)).reshape(shape);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        HandedBackGradients.Release();  // the previous backward's results: autograd has them by now
        using (var scope = torch.NewDisposeScope())
        {
            var ids = ctx.get_saved_variables()[0].reshape(-1);
            var target = (SampledGradientTarget)ctx.get_data("target");
            var width = (long)ctx.get_data("width");
            if (ids.numel() == 0 || target.Indices.numel() == 0) return Nothing(gradOutput);
            var (usedRows, slotOfToken, _) = torch.unique(ids, sorted: true, return_inverse: true);
            // Gradient of each used row: Σ over the tokens that looked it up.
            var rowGradients = torch.zeros(usedRows.numel(), width, gradOutput.dtype, gradOutput.device)
                .index_add_(0, slotOfToken!, gradOutput.reshape(-1, width), 1);
            // Each selected entry finds its row among the used ones (sorted, so a binary search) or gets zero.
            var rows = target.Indices.div(width, rounding_mode: RoundingMode.floor);
            var slot = torch.searchsorted(usedRows, rows).clamp_max(usedRows.numel() - 1);
            var used = usedRows.index_select(0, slot).eq(rows);
            var values = rowGradients.view(-1).index_select(0, slot * width + target.Indices.remainder(width));
            target.Gradient.add_(values.mul_(used));
        }
        return Nothing(gradOutput);
    }

    /// <summary>No gradient for the ids, none through autograd for the table (it went to the target).</summary>
    private static List<Tensor> Nothing(Tensor gradOutput)
    {
        gradOutput.Dispose();
        return new() { null!, null!, null! };
    }
}
