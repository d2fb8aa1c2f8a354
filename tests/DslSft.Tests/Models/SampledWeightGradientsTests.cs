using DslSft.Models.SampledGradients;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Tests.Models;

/// <summary>
/// The sampled-gradient functions against plain autograd: the same forward values, the same input and bias
/// gradients, and the weight gradient equal to the dense one gathered at the selected entries, with no dense
/// weight gradient left behind.
/// </summary>
public class SampledWeightGradientsTests
{
    private static Tensor Select(long n, double density, int seed) =>
        (rand(new[] { n }, generator: new Generator((ulong)seed)) < density).nonzero().reshape(-1);

    [Fact]
    public void Linear_gives_autograds_gradients_with_the_weight_gradient_at_the_selection_only()
    {
        random.manual_seed(1);
        var layer = nn.Linear(6, 4);
        var x = randn(2, 5, 6).requires_grad_(true);
        var upstream = randn(2, 5, 4);

        var dense = (layer.forward(x) * upstream).sum();
        dense.backward();
        var (denseX, denseW, denseB) = (x.grad!.clone(), layer.weight!.grad!.clone(), layer.bias!.grad!.clone());
        x.grad = null;
        layer.weight!.grad = null;
        layer.bias!.grad = null;

        var indices = Select(24, 0.4, seed: 2);
        var target = new SampledGradientTarget(indices, zeros(indices.numel()));
        Tensor y;
        using (SampledWeightGradients.Bind(new[] { ((Tensor)layer.weight!, target) }))
        {
            y = SampledWeightGradients.Linear(layer, x);
            (y * upstream).sum().backward();
        }
        Assert.Equal(layer.forward(x).data<float>().ToArray(), y.data<float>().ToArray());
        Assert.Null(layer.weight!.grad);
        Assert.True(denseW.reshape(-1).index_select(0, indices).allclose(target.Gradient, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(denseX.data<float>().ToArray(), x.grad!.data<float>().ToArray());
        Assert.Equal(denseB.data<float>().ToArray(), layer.bias!.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Tied_embedding_and_decoder_add_into_one_target_and_unused_rows_give_zero()
    {
        random.manual_seed(3);
        var embedding = nn.Embedding(11, 5);
        var decoder = nn.Linear(5, 11, hasBias: false);
        decoder.weight = embedding.weight;  // tied, as BERT's MLM decoder is to the word embeddings
        var ids = tensor(new long[] { 1, 4, 4, 9, 1, 2 }).reshape(2, 3);  // rows 0, 3, 5-8, 10 unused
        var upstream = randn(2, 3, 11);
        Tensor Loss(Func<Embedding, Tensor, Tensor> lookup, Func<Linear, Tensor, Tensor> project) =>
            (project(decoder, lookup(embedding, ids).tanh()) * upstream).sum();

        Loss((e, i) => e.forward(i), (l, h) => l.forward(h)).backward();
        var denseW = embedding.weight!.grad!.clone();
        embedding.weight!.grad = null;

        var indices = Select(55, 0.5, seed: 4);
        var target = new SampledGradientTarget(indices, zeros(indices.numel()));
        using (SampledWeightGradients.Bind(new[] { ((Tensor)embedding.weight!, target) }))
            Loss(SampledWeightGradients.Embedding, SampledWeightGradients.Linear).backward();
        Assert.Null(embedding.weight!.grad);
        Assert.True(denseW.reshape(-1).index_select(0, indices).allclose(target.Gradient, rtol: 1e-5, atol: 1e-6),
            "sampled gradient of the tied table differs from the dense one at the selected entries");
    }

    [Fact]
    public void Unbound_weights_and_no_grad_take_the_ordinary_path()
    {
        var layer = nn.Linear(3, 2);
        var other = nn.Linear(3, 2);
        var target = new SampledGradientTarget(tensor(new long[] { 0 }), zeros(1));
        using (SampledWeightGradients.Bind(new[] { ((Tensor)other.weight!, target) }))
        {
            var x = randn(4, 3);
            SampledWeightGradients.Linear(layer, x).sum().backward();
            Assert.NotNull(layer.weight!.grad);
            using (no_grad()) SampledWeightGradients.Linear(other, x);
            Assert.Equal(0f, target.Gradient.item<float>());
        }
    }
}
