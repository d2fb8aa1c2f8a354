using DslSft.Data.Mlm;
using DslSft.Experiments.CrossLingual;
using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Training;
using DslSft.Tests.Infrastructure;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Demo;

/// <summary>The MLM head warm-up (for base models shipped without an MLM head) trains the head and nothing else.</summary>
[Collection(DslSft.Tests.Engine.EngineTrainingCollection.Name)]
public sealed class MlmHeadWarmupTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dslsft-warmup-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    /// <summary>tiny-bert with its MLM head tensors removed from the checkpoint, as a sentence encoder ships.</summary>
    private string HeadlessTinyBert()
    {
        File.Copy(SharedData.Fixture("tiny-bert", "config.json"), Path.Combine(temp, "config.json"));
        var tensors = SafeTensorsFile.ReadStateDict(SharedData.Fixture("tiny-bert", "model.safetensors"));
        foreach (var name in tensors.Keys.Where(n => n.StartsWith("cls.", StringComparison.Ordinal)).ToList()) tensors.Remove(name);
        SafeTensorsFile.WriteStateDict(Path.Combine(temp, "model.safetensors"), tensors);
        return temp;
    }

    [SharedDataFact]
    public void Only_a_model_whose_checkpoint_lacks_head_tensors_needs_it()
    {
        var full = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM);
        Assert.False(MlmHeadWarmup.IsNeeded(full));
        full.Model.Dispose();
        var headless = HfModel.Load(HeadlessTinyBert(), ModelHead.MaskedLM);
        Assert.True(MlmHeadWarmup.IsNeeded(headless));
        headless.Model.Dispose();
    }

    [SharedDataFact]
    public void Training_changes_the_head_lowers_the_loss_and_leaves_the_encoder_bit_for_bit()
    {
        manual_seed(5);
        using var model = HfModel.Load(HeadlessTinyBert(), ModelHead.MaskedLM).Model;
        var table = ParameterTable.Build(model);
        var before = table.Tensors.ToDictionary(t => t.Key, t => t.Value.detach().clone());
        long vocabulary = table["bert.embeddings.word_embeddings.weight"].Shape[0];

        var random = new Random(3);
        var sequences = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 12).Select(_ => (long)random.Next(5, (int)vocabulary)).ToArray()).ToList();
        var collator = new MlmCollator(vocabulary, maskTokenId: 4, padTokenId: 0, specialTokenIds: [0, 1, 2, 3, 4], seed: 1);
        var data = new ShuffledTrainingData<long[], ModelBatch>(sequences, 16, batch => collator.Collate(batch).ToModelBatch(), seed: 1);
        var evaluation = collator.CollateForEvaluation(sequences).ToModelBatch();
        double Loss()
        {
            model.Module.eval();
            using var noGrad = no_grad();
            return model.Forward(evaluation).Loss!.item<float>();
        }

        var initial = Loss();
        var head = MlmHeadWarmup.Train(model, data, steps: 40, learningRate: 1e-2, _ => { }, out _);
        Assert.True(Loss() < initial, $"loss did not fall: {initial} → {Loss()}");

        foreach (var entry in ParameterTable.Build(model))
        {
            bool same = entry.Tensor.detach().equal(before[entry.Name]).all().item<bool>();
            if (entry.Role == ParameterRole.DenseHead)
            {
                Assert.False(same, $"head tensor {entry.Name} did not change");
                Assert.True(head[entry.Name].equal(entry.Tensor.detach()).all().item<bool>());
            }
            else Assert.True(same, $"{entry.Name} ({entry.Role}) changed");
        }

        // Applying the returned head to a fresh load reproduces the warmed-up model.
        using var fresh = HfModel.Load(temp, ModelHead.MaskedLM).Model;
        MlmHeadWarmup.Apply(fresh, head);
        var warmedUp = ParameterTable.Build(model).Tensors; // the warm-up untied the decoder: the old table's alias is gone
        foreach (var (name, tensor) in ParameterTable.Build(fresh).Tensors)
            Assert.True(tensor.detach().equal(warmedUp[name].detach()).all().item<bool>(), name);
    }
}
