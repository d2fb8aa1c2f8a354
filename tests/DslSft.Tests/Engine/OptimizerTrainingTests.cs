using DslSft.Engine;
using DslSft.Engine.Optimizers;
using DslSft.Models;
using DslSft.Models.Checkpoints;
using DslSft.Models.Heads;
using DslSft.Tests.Infrastructure;
using DslSft.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

/// <summary>
/// Every built-in optimizer rule (AdamW, SGD with momentum, Lion) trains LT-SFT as its dense masked reference does: a
/// plain TorchSharp implementation of the optimizer over every trained parameter, applied in the sparse phase only at
/// the selected entries (the moments of the others stay zero and their values never change). On tiny-bert's masked LM
/// (parity fixture: no dropout, fixed batches, decoder untied and frozen), both at the end of the full phase and at the
/// end of the run, with weight decay on so that applying the update only at the mask matters.
/// </summary>
[Collection(EngineTrainingCollection.Name)]
public class OptimizerTrainingTests
{
    private const long K = 400;
    private const int FullSteps = 5, SparseSteps = 6;
    private const float WeightDecay = 0.05f;

    [SharedDataTheory]
    [InlineData("adamw", 1e-3)]
    [InlineData("sgd", 0.5)]
    [InlineData("lion", 1e-3)]
    public void Each_optimizer_matches_its_dense_masked_reference(string optimizer, double learningRate)
    {
        var batches = SampledGradientTrainingTests.FixtureBatches("composable-sft/train-parity-mlm");
        var options = new LtSftOptions
        {
            TunableCount = K, FullPhase = PhaseLength.Steps(FullSteps), SparsePhase = PhaseLength.Steps(SparseSteps),
            LearningRate = learningRate, WeightDecay = WeightDecay, MaxGradNorm = 1.0,
            Optimizer = Rule(optimizer), NoDecay = _ => false,
        };

        var (model, table) = Load();
        Dictionary<string, Tensor>? afterFull = null;
        var trainer = new LtSftTrainer<ModelBatch>(model.Module, Trainable(table), b => model.Forward(b).Loss!,
            new SampledGradientTrainingTests.FixedBatches(batches), options)
        {
            // called at the end of each phase: the first call sees the full phase's result, before the rewind
            Evaluator = () => { afterFull ??= Snapshot(table); return new Dictionary<string, double>(); },
        };
        var sft = trainer.Train().Sft;

        var (reference, referenceTable) = Load();
        var (referenceAfterFull, masks) = Reference(reference, referenceTable, batches, optimizer, learningRate);

        AssertClose(referenceAfterFull, afterFull!, "full phase");
        foreach (var (name, diff) in sft.Diffs)
            Assert.Equal(masks[name].nonzero().reshape(-1).data<long>().ToArray(), diff.Indices.data<long>().ToArray());
        AssertClose(Snapshot(referenceTable), Snapshot(table), "sparse phase");
        // The sparse phase moved selected entries, and nothing else of the maskable body.
        Assert.True(sft.Diffs.Values.Sum(d => d.Values.abs().gt(0).sum().item<long>()) > K / 2);
    }

    private static IOptimizerRule Rule(string name) => name switch
    {
        "adamw" => new AdamWRule(),
        "sgd" => new SgdRule(momentum: 0.9f),
        _ => new LionRule(),
    };

    private static (ITransformerModel Model, ParameterTable Table) Load()
    {
        var model = HfModel.Load(SharedData.Fixture("tiny-bert"), ModelHead.MaskedLM,
            new HfLoadOptions { ConfigFile = SharedData.Fixture("composable-sft", "train-parity-mlm", "model_config.json") }).Model;
        ((BertForMaskedLM)model).UntieDecoder(freeze: true);
        return (model, ParameterTable.Build(model));
    }

    private static List<TrainableParameter> Trainable(ParameterTable table) =>
        table.Select(e => new TrainableParameter(e.Name, e.Tensor, e.Role)).ToList();

    private static Dictionary<string, Tensor> Snapshot(ParameterTable table)
    {
        using var noGrad = no_grad();
        return table.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    private static void AssertClose(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, string what)
    {
        foreach (var (name, value) in expected)
        {
            // A key bias shifts every attention score of a query equally, so softmax makes its true gradient zero: what
            // backward returns is rounding noise, which AdamW normalises into steps of up to lr in either direction.
            if (name.EndsWith("attention.self.key.bias", StringComparison.Ordinal)) continue;
            var error = (actual[name] - value).abs().max().item<float>();
            Assert.True(error < 2e-5f, $"{what}, {name}: max |engine − reference| = {error}");
        }
    }

    /// <summary>
    /// LT-SFT with dense tensors only: a full phase, the K largest |θ − θ0| of the maskable parameters, a rewind, and a
    /// sparse phase whose updates are kept at the mask only. Linear decay from the peak rate, clipping at norm 1.
    /// </summary>
    private static (Dictionary<string, Tensor> AfterFull, Dictionary<string, Tensor> Masks) Reference(
        ITransformerModel model, ParameterTable table, IReadOnlyList<ModelBatch> batches, string optimizer, double learningRate)
    {
        var trained = table.Where(e => e.Role is ParameterRole.Maskable or ParameterRole.DenseHead).ToList();
        // as the engine does: tied entries (the decoder bias is the head's bias) keep their tensor's setting
        foreach (var e in table)
            if (e.Role is ParameterRole.Maskable or ParameterRole.DenseHead) e.Tensor.requires_grad_(true);
            else if (e.Role == ParameterRole.Frozen) e.Tensor.requires_grad_(false);
        var original = Snapshot(table);
        var next = 0;
        void Phase(int steps, Dictionary<string, Tensor>? masks)
        {
            var state = trained.ToDictionary(e => e.Name, e => (M: zeros_like(e.Tensor), V: zeros_like(e.Tensor)));
            for (var step = 0; step < steps; step++)
            {
                var lr = (float)(learningRate * (steps - step) / steps);
                foreach (var e in trained) e.Tensor.grad = null;
                model.Forward(batches[next++]).Loss!.backward();
                using var noGrad = no_grad();
                // parameters the loss does not reach (the pooler) get no gradient and no update, as in torch optimizers
                var reached = trained.Where(e => e.Tensor.grad is not null).ToList();
                if (masks is not null)
                    foreach (var e in reached)
                        if (masks.TryGetValue(e.Name, out var mask)) e.Tensor.grad!.mul_(mask.reshape(e.Tensor.shape));
                // clip_grad_norm_(max_norm = 1): scale every gradient by min(1, 1 / (global norm + 1e-6))
                var norm = Math.Sqrt(reached.Sum(e => e.Tensor.grad!.square().sum(ScalarType.Float64).item<double>()));
                var scale = Math.Min(1.0, 1.0 / (norm + 1e-6));
                foreach (var e in reached) e.Tensor.grad!.mul_(scale);
                foreach (var e in reached)
                {
                    var (p, g, (m, v)) = (e.Tensor.detach(), e.Tensor.grad!, state[e.Name]);
                    var updated = Step(optimizer, p, g, m, v, lr, step + 1);
                    var keep = masks is not null && masks.TryGetValue(e.Name, out var mask) ? mask.reshape(p.shape).to(ScalarType.Bool) : null;
                    p.copy_(keep is null ? updated : where(keep, updated, p));
                }
            }
        }

        Phase(FullSteps, masks: null);
        var afterFull = Snapshot(table);
        var scores = trained.Where(e => e.Role == ParameterRole.Maskable)
            .SelectMany(e => Enumerable.Range(0, (int)e.Size).Zip((afterFull[e.Name] - original[e.Name]).abs().reshape(-1).data<float>().ToArray(), (i, s) => (e.Name, i, s)))
            .OrderByDescending(x => x.s).Take((int)K).ToList();
        var masks = trained.Where(e => e.Role == ParameterRole.Maskable).ToDictionary(e => e.Name, e => zeros(e.Size));
        foreach (var (name, index, _) in scores) masks[name][index] = 1f;
        using (no_grad()) foreach (var e in trained) e.Tensor.detach().copy_(original[e.Name]);
        Phase(SparseSteps, masks);
        return (afterFull, masks);
    }

    /// <summary>The optimizer's update of every element (moments updated in place); returns the new parameter values.</summary>
    private static Tensor Step(string optimizer, Tensor p, Tensor g, Tensor m, Tensor v, float lr, int step)
    {
        switch (optimizer)
        {
            case "adamw":
                m.mul_(0.9f).add_(g, alpha: 0.1f);
                v.mul_(0.999f).addcmul_(g, g, value: 0.001f);
                var (bc1, bc2) = (1 - Math.Pow(0.9, step), 1 - Math.Pow(0.999, step));
                return p * (1 - lr * WeightDecay) - lr / bc1 * m / (v.sqrt() / Math.Sqrt(bc2) + 1e-8);
            case "sgd":
                var direction = g + WeightDecay * p;
                m.copy_(step == 1 ? direction : m * 0.9f + direction);
                return p - lr * m;
            default:
                var update = (m * 0.9f + g * 0.1f).sign();
                m.mul_(0.99f).add_(g, alpha: 0.01f);
                return p - lr * (update + WeightDecay * p);
        }
    }
}
