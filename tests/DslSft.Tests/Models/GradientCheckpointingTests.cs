using DslSft.Models;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DslSft.Tests.Models;

/// <summary>Gradient checkpointing recomputes each encoder layer in backward and must give the gradients of the plain pass.</summary>
[Collection(DslSft.Tests.Engine.EngineTrainingCollection.Name)]
public class GradientCheckpointingTests
{
    [SharedDataFact]
    public void Gradients_equal_the_non_checkpointed_ones_with_dropout_on()
    {
        var plain = Gradients(checkpointing: false, out var plainLoss);
        var checkpointed = Gradients(checkpointing: true, out var checkpointedLoss);
        Assert.Equal(plainLoss, checkpointedLoss);
        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        foreach (var (name, grad) in plain)
        {
            var error = (checkpointed[name] - grad).abs().max().item<float>();
            var scale = grad.abs().max().item<float>();
            Assert.True(error <= 1e-6f * Math.Max(1f, scale), $"{name}: max |checkpointed − plain| = {error} (max |grad| {scale})");
        }
        Assert.True(plain.Count > 30);
    }

    /// <summary>One training-mode MLM forward + backward of tiny-bert (dropout 0.1) from a fixed seed; every parameter's gradient.</summary>
    private static Dictionary<string, Tensor> Gradients(bool checkpointing, out float loss)
    {
        var model = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM).Model;
        model.Encoder.GradientCheckpointing = checkpointing;
        model.Module.train();
        manual_seed(9);
        var ids = randint(5, 200, new long[] { 3, 16 });
        var labels = where(rand(3, 16) < 0.3, ids, full(3, 16, -100L));
        var output = model.Forward(new ModelBatch(ids, ones_like(ids)) { Labels = labels });
        loss = output.Loss!.item<float>();
        output.Loss!.backward();
        return model.Module.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
