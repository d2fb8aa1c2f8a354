using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Samples.DistilBert;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Models;

/// <summary>
/// The sample architecture (samples/DistilBert, DistilBERT in under 80 lines of DSL + forward pass) trains and
/// exposes the same parameter table and maskable plan the sparse engine consumes for the built-in models.
/// </summary>
public sealed class SampleArchitectureTests
{
    private static DistilBertConfig Config() =>
        DistilBertConfig.FromJson("""{"vocab_size": 40, "dim": 16, "n_layers": 2, "n_heads": 4, "hidden_dim": 32, "max_position_embeddings": 12}""", "config.json");

    [Fact]
    public void Table_uses_distilbert_hf_names_with_the_projector_tied_to_the_word_embeddings()
    {
        using var model = new DistilBertForMaskedLM(Config());
        var table = ParameterTable.Build(model);
        // 4 embedding tensors + 16 per layer + 6 head tensors, as in HF's DistilBertForMaskedLM state dict.
        Assert.Equal(4 + 2 * 16 + 6, table.Count);
        Assert.Equal([16L, 32L], table["distilbert.transformer.layer.1.ffn.lin2.weight"].Shape);
        Assert.Equal(ParameterRole.Tied, table["vocab_projector.weight"].Role);
        Assert.Equal(ParameterRole.DenseHead, table["vocab_projector.bias"].Role);
        var plan = table.MaskablePlan();
        Assert.All(plan.Slices, s => Assert.StartsWith("distilbert.", s.Name));
        Assert.Equal(table.Where(e => e.Name.StartsWith("distilbert.", StringComparison.Ordinal)).Sum(e => e.Size), plan.TotalSize);
    }

    [Fact]
    public void Forward_loss_and_backward_train_the_sample()
    {
        manual_seed(3);
        using var model = new DistilBertForMaskedLM(Config());
        model.eval();
        var ids = randint(0, 40, new long[] { 2, 10 });
        var mask = ones(2, 10, dtype: ScalarType.Int64);
        mask[1, 8] = 0; mask[1, 9] = 0;
        var labels = ids.clone();
        var table = ParameterTable.Build(model);
        var optimizer = optim.Adam(table.TrainableParameters(), lr: 0.01);
        var losses = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            var logits = model.forward(ids, mask);
            Assert.Equal([2L, 10L, 40L], logits.shape);
            var loss = nn.functional.cross_entropy(logits.view(-1, 40), labels.view(-1));
            loss.backward();
            if (step == 0)
                foreach (var slice in table.MaskablePlan().Slices)
                    Assert.True(slice.Tensor.grad is not null, $"no gradient for maskable {slice.Name}");
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        Assert.True(losses[^1] < losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void State_dict_round_trips_through_safetensors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dslsft-sample-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var model = new DistilBertForMaskedLM(Config());
            SafeTensorsFile.WriteStateDict(path, StateDictLoader.StateDict(model));
            using var other = new DistilBertForMaskedLM(Config());
            var report = StateDictLoader.Load(other, SafeTensorsFile.ReadStateDict(path), path);
            Assert.True(report.IsComplete, report.ToString());
            var ids = tensor(new long[] { 1, 2, 3, 4 }).view(1, 4);
            var mask = ones(1, 4, dtype: ScalarType.Int64);
            model.eval(); other.eval();
            Assert.True(model.forward(ids, mask).equal(other.forward(ids, mask)).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
