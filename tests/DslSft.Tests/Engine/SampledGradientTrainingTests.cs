using DslSft.Engine;
using DslSft.Models;
using DslSft.Models.Heads;
using DslSft.Models.Checkpoints;
using DslSft.Models.SampledGradients;
using DslSft.Tests.Infrastructure;
using DslSft.Training;
using static TorchSharp.torch;
using DslSft.IO.Formats;

namespace DslSft.Tests.Engine;

/// <summary>
/// The sparse phase with sampled weight gradients (the default) against the same run with dense gradients read at
/// the selection (the dense-masked reference): the same selection and, up to float rounding, the same trained
/// values. On the TinyModel, on tiny-bert's masked LM with its decoder tied to the trained word embeddings, and on
/// the train-parity fixtures' models and batches (decoder untied and frozen; token classification).
/// </summary>
[Collection(EngineTrainingCollection.Name)]
public class SampledGradientTrainingTests
{
    [Fact]
    public void The_trainer_binds_the_maskable_weights_in_the_sparse_phase_only()
    {
        var model = new TinyModel(seed: 7);
        var weight = model.Trainable().First(p => p.Name == "dense1.weight").Tensor;
        var bound = new List<bool>();
        Tensor Loss(TinyBatch b)
        {
            bound.Add(SampledWeightGradients.IsBound(weight));
            return model.Loss(b);
        }
        var options = new LtSftOptions { TunableCount = 40, FullPhase = PhaseLength.Steps(3), SparsePhase = PhaseLength.Steps(4), LearningRate = 1e-2 };
        new LtSftTrainer<TinyBatch>(model, model.Trainable(), Loss, TinyData.Create(), options).Train();
        Assert.Equal(new[] { false, false, false, true, true, true, true }, bound);
        Assert.False(SampledWeightGradients.IsBound(weight));
    }

    [SharedDataFact]
    public void Tiny_bert_masked_lm_with_a_tied_decoder() =>
        SampledEqualsDense(ModelHead.MaskedLM, SharedData.Fixture("composable-sft", "train-parity-mlm", "model_config.json"), untieDecoder: false,
            "composable-sft/train-parity-mlm", freezeLayerNorm: false);

    [SharedDataFact]
    public void Parity_fixture_masked_lm_with_a_frozen_untied_decoder() =>
        SampledEqualsDense(ModelHead.MaskedLM, SharedData.Fixture("composable-sft", "train-parity-mlm", "model_config.json"), untieDecoder: true,
            "composable-sft/train-parity-mlm", freezeLayerNorm: true);

    [SharedDataFact]
    public void Parity_fixture_token_classification() =>
        SampledEqualsDense(ModelHead.TokenClassification, SharedData.Fixture("composable-sft", "train-parity-tokcls", "model_config.json"), untieDecoder: false,
            "composable-sft/train-parity-tokcls", freezeLayerNorm: true);

    [SharedDataFact]
    public void Gradient_checkpointing_trains_the_same_values() =>
        SameTraining(ModelHead.MaskedLM, SharedData.Fixture("composable-sft", "train-parity-mlm", "model_config.json"), untieDecoder: false,
            "composable-sft/train-parity-mlm", freezeLayerNorm: false, o => o with { GradientCheckpointing = true }, tolerance: 1e-6f);

    private static void SampledEqualsDense(ModelHead head, string configFile, bool untieDecoder, string fixture, bool freezeLayerNorm) =>
        SameTraining(head, configFile, untieDecoder, fixture, freezeLayerNorm, o => o with { SampledWeightGradients = false }, tolerance: 2e-6f);

    /// <summary>Trains with the default options and with <paramref name="variant"/> of them; same selection, same values within the tolerance.</summary>
    private static void SameTraining(ModelHead head, string configFile, bool untieDecoder, string fixture, bool freezeLayerNorm,
        Func<LtSftOptions, LtSftOptions> variant, float tolerance)
    {
        var batches = FixtureBatches(fixture);
        var options = new LtSftOptions
        {
            TunableCount = 500, FullPhase = PhaseLength.Steps(12), SparsePhase = PhaseLength.Steps(12), LearningRate = 1e-3,
            MaxGradNorm = 1.0, FullL1 = 0.1, SparseL1 = 0.1, ApplyL1ToSparseOnly = false,
            Masking = new MaskingPolicy { FreezeLayerNorm = freezeLayerNorm },
        };
        var (defaultSft, trained) = Run(head, configFile, untieDecoder, batches, options);
        var (variantSft, variantTrained) = Run(head, configFile, untieDecoder, batches, variant(options));

        foreach (var (name, diff) in variantSft.Diffs)
            Assert.Equal(diff.Indices.data<long>().ToArray(), defaultSft.Diffs[name].Indices.data<long>().ToArray());
        foreach (var (name, value) in variantTrained)
        {
            var error = (trained[name] - value).abs().max().item<float>();
            Assert.True(error < tolerance, $"{name}: max |default − variant| = {error}");
        }
        // The sparse phase moved the selected entries (the comparison is not between two untrained models).
        Assert.True(defaultSft.Diffs.Values.Sum(d => d.Values.abs().gt(0).sum().item<long>()) > 400);
    }

    private static (DslSft.Sft.SparseFineTuning Sft, Dictionary<string, Tensor> Trained) Run(ModelHead head, string configFile, bool untieDecoder,
        IReadOnlyList<ModelBatch> batches, LtSftOptions options)
    {
        var options2 = new HfLoadOptions { ConfigFile = configFile, NumLabels = head == ModelHead.TokenClassification ? 5 : null };
        var model = HfModel.Load(SharedData.Fixture("tiny-bert"), head, options2).Model;
        if (untieDecoder) ((BertForMaskedLM)model).UntieDecoder(freeze: true);
        var table = ParameterTable.Build(model);
        var parameters = table.Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();
        var result = new LtSftTrainer<ModelBatch>(model.Module, parameters, b => model.Forward(b).Loss!, new FixedBatches(batches), options).Train();
        using var noGrad = no_grad();
        return (result.Sft, table.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
    }

    internal static IReadOnlyList<ModelBatch> FixtureBatches(string fixture)
    {
        var tensors = SafeTensorsFile.ReadStateDict(SharedData.Fixture(fixture.Split('/').Append("batches.safetensors").ToArray()));
        return Enumerable.Range(0, 24).Select(i => $"step_{i:00}.").Select(p =>
            new ModelBatch(tensors[p + "input_ids"], tensors[p + "attention_mask"])
            {
                TokenTypeIds = tensors[p + "token_type_ids"], Labels = tensors[p + "labels"], LogitsAtLabelsOnly = true,
            }).ToList();
    }

    /// <summary>The stored batches in order, one epoch.</summary>
    internal sealed class FixedBatches(IReadOnlyList<ModelBatch> batches) : ITrainingData<ModelBatch>
    {
        public long BatchesPerEpoch => batches.Count;
        public IEnumerable<ModelBatch> Epoch(int epoch) => batches;
    }
}
