using DslSft.Engine;
using DslSft.Sft;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

[Collection(EngineTrainingCollection.Name)]
public class LtSftTrainerTests
{
    private static LtSftOptions Options(long k = 40, int iterations = 1) => new()
    {
        TunableCount = k,
        Iterations = iterations,
        FullPhase = Training.PhaseLength.Steps(8),
        SparsePhase = Training.PhaseLength.Steps(8),
        LearningRate = 0.02,
        WarmupSteps = 2,
        MaxGradNorm = 1.0,
    };

    private static LtSftResult Train(TinyModel model, LtSftOptions options) =>
        new LtSftTrainer<TinyBatch>(model, model.Trainable(), model.Loss, TinyData.Create(), options).Train();

    [Fact]
    public void SparsePhaseLeavesAtMostKMaskableEntriesChangedAndTrainsTheHead()
    {
        var model = new TinyModel(seed: 1);
        var before = model.Snapshot();
        var result = Train(model, Options(k: 40));
        var after = model.Snapshot();

        Assert.Equal(40, result.K);
        Assert.Equal(40, result.Sft.NonZeroCount);
        long changed = 0;
        foreach (var (name, value) in after)
        {
            var differs = value.ne(before[name]).sum().item<long>();
            if (TinyModel.RoleOf(name) == DslSft.Models.ParameterRole.Maskable) changed += differs;
            else Assert.True(differs > 0, $"head '{name}' did not change");
        }
        Assert.InRange(changed, 1, 40);

        // The SFT applied to the pre-trained values reproduces the trained model exactly.
        foreach (var (name, diff) in result.Sft.Diffs)
        {
            var rebuilt = before[name].clone().reshape(-1);
            rebuilt.index_add_(0, diff.Indices, diff.Values, 1);
            Assert.True(rebuilt.reshape(before[name].shape).allclose(after[name], rtol: 0, atol: 1e-6), name);
            Assert.True(diff.Indices.numel() < 2 || diff.Indices.diff().gt(0).all().item<bool>(), $"{name} indices not sorted");
        }
        foreach (var (name, abs) in result.Sft.Abs) Assert.True(abs.equal(after[name]).all().item<bool>(), name);
        Assert.Equal("lt-sft", result.Sft.Metadata.Method);
        Assert.Equal(40, result.Sft.Metadata.K);
        Assert.Equal("40", result.Sft.Metadata.TrainingArguments["ft_params_num"]);
    }

    [Theory]
    [InlineData(1, 0.0, 0.0, true)]
    [InlineData(1, 0.5, 2.0, true)]
    [InlineData(2, 0.5, 2.0, false)]
    public void MatchesDenseMaskedReference(int iterations, double fullL1, double sparseL1, bool l1OnSparseOnly)
    {
        var options = Options(k: 60, iterations: iterations) with
        {
            MaxGradNorm = 0.5, FullL1 = fullL1, SparseL1 = sparseL1, ApplyL1ToSparseOnly = l1OnSparseOnly, L1Mode = L1Mode.Paper,
            FullPhase = Training.PhaseLength.Steps(7), SparsePhase = Training.PhaseLength.Steps(9),
        };
        var model = new TinyModel(seed: 3);
        var result = Train(model, options);

        var reference = new TinyModel(seed: 3);
        var masks = DenseMaskedReference.Train(reference, TinyData.Create(), new DenseMaskedReference.Settings(
            K: 60, iterations, FullSteps: 7, SparseSteps: 9, options.LearningRate, Warmup: 2, options.MaxGradNorm, fullL1, sparseL1, L1OnHeads: !l1OnSparseOnly));

        foreach (var (name, diff) in result.Sft.Diffs)
        {
            var expected = masks[name].Select((m, i) => (m, i)).Where(x => x.m).Select(x => (long)x.i).ToArray();
            Assert.Equal(expected, diff.Indices.data<long>().ToArray());
        }
        var ours = model.Snapshot();
        foreach (var (name, value) in reference.Snapshot())
        {
            var maxError = (ours[name] - value).abs().max().item<float>();
            Assert.True(maxError < 2e-5f, $"{name}: max |ours − reference| = {maxError}");
        }
    }

    [Fact]
    public void SameSeedGivesBitwiseIdenticalResults()
    {
        SparseFineTuning Run()
        {
            var model = new TinyModel(seed: 4, dropoutRate: 0.2);
            return Train(model, Options() with { Seed = 11 }).Sft;
        }
        var a = Run();
        var b = Run();
        foreach (var (name, diff) in a.Diffs)
        {
            Assert.Equal(diff.Indices.data<long>().ToArray(), b.Diffs[name].Indices.data<long>().ToArray());
            Assert.Equal(diff.Values.data<float>().ToArray(), b.Diffs[name].Values.data<float>().ToArray());
        }
        foreach (var (name, abs) in a.Abs) Assert.Equal(abs.data<float>().ToArray(), b.Abs[name].data<float>().ToArray());
    }

    [Fact]
    public void GradientsAreReleasedAfterEveryUpdateAndAtTheEnd()
    {
        // No gradient memory is held between updates (so not during the forward pass, when activations peak) nor
        // during selection; MatchesDenseMaskedReference shows the updates themselves are unchanged by it.
        var model = new TinyModel(seed: 5);
        var trainable = model.Trainable();
        var held = new List<int>();
        new LtSftTrainer<TinyBatch>(model, trainable, model.Loss, TinyData.Create(), Options(iterations: 2))
        {
            Progress = new Callback(_ => held.Add(trainable.Count(p => p.Tensor.grad is not null))),
        }.Train();
        Assert.Equal(32, held.Count);
        Assert.All(held, count => Assert.Equal(0, count));
        Assert.All(trainable, p => Assert.Null(p.Tensor.grad));
    }

    /// <summary>Reports synchronously on the training thread.</summary>
    private sealed class Callback(Action<Training.TrainingProgress> action) : IProgress<Training.TrainingProgress>
    {
        public void Report(Training.TrainingProgress value) => action(value);
    }

    [Fact]
    public void IterationsAccumulateMasksToExactlyK()
    {
        var model = new TinyModel(seed: 2);
        var result = Train(model, Options(k: 50, iterations: 3));
        Assert.Equal(50, result.K);
        Assert.Equal(50, result.Sft.NonZeroCount);
        var phases = result.Log.Where(e => e.Event == "step").Select(e => (e.Iteration, e.Phase)).Distinct().ToList();
        Assert.Equal(new[] { (1, "full"), (1, "sparse"), (2, "full"), (2, "sparse"), (3, "full"), (3, "sparse") }, phases);
        foreach (var diff in result.Sft.Diffs.Values)
            Assert.Equal(diff.Count, diff.Indices.unique().Item1.numel());
    }

    [Fact]
    public void RandomBaselineSelectsExactlyKWithoutAFullPhase()
    {
        LtSftResult Run(int seed) => Train(new TinyModel(seed: 1), Options(k: 33) with { Method = SelectionMethod.Random, Seed = seed });
        var a = Run(5);
        var b = Run(5);
        var c = Run(6);
        Assert.Equal(33, a.Sft.NonZeroCount);
        Assert.Equal("random", a.Sft.Metadata.Method);
        Assert.DoesNotContain(a.Log, e => e.Phase == "full");
        string Key(LtSftResult r) => string.Join(";", r.Sft.Diffs.Select(d => d.Key + ":" + string.Join(",", d.Value.Indices.data<long>().ToArray())));
        Assert.Equal(Key(a), Key(b));
        Assert.NotEqual(Key(a), Key(c));
    }

    [Fact]
    public void RandomSelectionOfEveryEntryIsDenseFineTuning()
    {
        // K = all takes the trainer's dense path (every index selected, dense AdamW): it must equal plain dense AdamW.
        var options = Options() with
        {
            Method = SelectionMethod.Random, TunableCount = null, TunableProportion = 1.0, SparseL1 = 0.5, L1Mode = L1Mode.Paper, ApplyL1ToSparseOnly = true,
            SparsePhase = Training.PhaseLength.Steps(9),
        };
        var model = new TinyModel(seed: 3);
        var result = Train(model, options);
        Assert.Equal(result.K, result.Sft.Diffs.Values.Sum(d => d.Indices.numel()));

        var reference = new TinyModel(seed: 3);
        DenseMaskedReference.Train(reference, TinyData.Create(), new DenseMaskedReference.Settings(
            K: result.K, Iterations: 1, FullSteps: 0, SparseSteps: 9, options.LearningRate, Warmup: 2, options.MaxGradNorm, 0, 0.5, L1OnHeads: !options.ApplyL1ToSparseOnly));
        var ours = model.Snapshot();
        foreach (var (name, value) in reference.Snapshot())
        {
            var maxError = (ours[name] - value).abs().max().item<float>();
            Assert.True(maxError < 2e-5f, $"{name}: max |ours − reference| = {maxError}");
        }
    }

    [Fact]
    public void ProportionResolvesAgainstMaskableEntriesOnly()
    {
        var model = new TinyModel(seed: 1);
        var trainer = new LtSftTrainer<TinyBatch>(model, model.Trainable(), model.Loss, TinyData.Create(), Options() with { TunableCount = null, TunableProportion = 0.1 });
        var maskable = model.named_parameters().Where(p => !p.name.StartsWith("head.")).Sum(p => p.parameter.numel());
        Assert.Equal(maskable, trainer.MaskableCount);
        Assert.Equal((long)(0.1 * maskable), trainer.K);
    }

    [Fact]
    public void FrozenLayerNormStaysAtItsPretrainedValues()
    {
        var model = new TinyModel(seed: 1);
        var before = model.Snapshot();
        var result = Train(model, Options() with { Masking = new MaskingPolicy { FreezeLayerNorm = true } });
        Assert.DoesNotContain(result.Sft.Diffs.Keys, n => n.StartsWith("LayerNorm"));
        foreach (var (name, value) in model.Snapshot().Where(p => p.Key.StartsWith("LayerNorm")))
            Assert.True(value.equal(before[name]).all().item<bool>(), name);
    }

    [Fact]
    public void WeightDecayNeverReachesUnselectedEntries()
    {
        var model = new TinyModel(seed: 6);
        var before = model.Snapshot();
        var result = Train(model, Options(k: 20) with { WeightDecay = 0.5f });
        var after = model.Snapshot();
        foreach (var (name, diff) in result.Sft.Diffs)
        {
            var selected = diff.Indices.data<long>().ToHashSet();
            var changedAt = after[name].reshape(-1).ne(before[name].reshape(-1)).nonzero().reshape(-1).data<long>().ToArray();
            Assert.All(changedAt, i => Assert.Contains(i, selected));
        }
    }

    [Fact]
    public void GradientAccumulationOfHalfBatchesEqualsWholeBatches()
    {
        var options = Options(k: 30) with { Method = SelectionMethod.Random, SparsePhase = Training.PhaseLength.Steps(5) };
        // Unshuffled data so that two consecutive half batches are exactly one whole batch.
        var halves = new Training.ShuffledTrainingData<long[], TinyBatch>(Rows(), 2, TinyData.Collate, seed: 0, shuffle: false);
        var wholes = new Training.ShuffledTrainingData<long[], TinyBatch>(Rows(), 4, TinyData.Collate, seed: 0, shuffle: false);
        var a = new TinyModel(seed: 8);
        var b = new TinyModel(seed: 8);
        new LtSftTrainer<TinyBatch>(a, a.Trainable(), a.Loss, wholes, options).Train();
        new LtSftTrainer<TinyBatch>(b, b.Trainable(), b.Loss, halves, options with { GradientAccumulation = 2 }).Train();
        var sa = a.Snapshot();
        foreach (var (name, value) in b.Snapshot())
            Assert.True(value.allclose(sa[name], rtol: 1e-5, atol: 1e-6), name);

        static List<long[]> Rows()
        {
            var random = new Random(9);
            return Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 6).Select(_ => (long)random.Next(TinyModel.Vocabulary)).ToArray()).ToList();
        }
    }

    [Fact]
    public void LoadBestAtEndRestoresTheBestEvaluatedState()
    {
        var model = new TinyModel(seed: 1);
        var headAtEval = new List<Tensor>();
        var losses = new Queue<double>(new[] { 5.0, 4.0, 6.0, 7.0, 3.0, 1.0, 2.0, 9.0 });
        var trainer = new LtSftTrainer<TinyBatch>(model, model.Trainable(), model.Loss, TinyData.Create(),
            Options() with { EvaluateEvery = 2, LoadBestAtEnd = true })
        {
            Evaluator = () =>
            {
                headAtEval.Add(model.named_parameters().First(p => p.name == "head.weight").parameter.detach().clone());
                return new Dictionary<string, double> { ["loss"] = losses.Dequeue() };
            },
        };
        var result = trainer.Train();
        Assert.Equal(8, result.Log.Count(e => e.Event == "eval"));
        // Sparse phase evaluations are the last four (3, 1, 2, 9): the best is the second.
        Assert.True(result.Sft.Abs["head.weight"].equal(headAtEval[5]).all().item<bool>());
    }
}
