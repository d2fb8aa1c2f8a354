using DslSft.Data.Mlm;
using DslSft.Engine;
using DslSft.Engine.Kernels;
using DslSft.Training;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// Our LT-SFT run as the CLI trains it: <see cref="LtSftTrainer{TBatch}"/> with the default kernels
/// (<see cref="NativeSparseKernels.Default"/>) on the model from <see cref="EngineBenchmarkModel"/>. Probes sit in
/// the loss function, in a pass-through kernel wrapper and in the progress callback, so the recorder sees where
/// each update's forward, backward, norm and update start and end, and how long selection takes.
/// </summary>
internal static class EngineOursRun
{
    /// <summary>What a variant changes: logits at labelled positions only, K, sampled weight gradients, gradient checkpointing.</summary>
    public sealed record Settings(bool LabelsOnly, double Proportion, bool Sampled, bool Checkpointing)
    {
        public static Settings Of(string variant) => variant switch
        {
            "ours-all" => new(false, EngineBenchmark.Proportion, true, false),
            "ours" => new(true, EngineBenchmark.Proportion, true, false),
            "ours-k8" => new(true, EngineBenchmark.HighProportion, true, false),
            "ours-dense-grads" => new(true, EngineBenchmark.Proportion, false, false),
            "ours-ckpt" => new(true, EngineBenchmark.Proportion, true, true),
            _ => throw new ArgumentException($"unknown variant '{variant}'"),
        };
    }

    public static void Run(EncoderShape shape, int fullSteps, int sparseSteps, Settings settings, EngineRunRecorder recorder, out long k)
    {
        using var model = EngineBenchmarkModel.Create(shape);
        var parameters = EngineBenchmarkModel.Parameters(model);
        var data = EngineBenchmarkModel.Data(shape);
        recorder.EndSegment("build");
        var probes = new ProbingKernels(NativeSparseKernels.Default, recorder);
        var options = new LtSftOptions
        {
            TunableProportion = settings.Proportion,
            SampledWeightGradients = settings.Sampled,
            GradientCheckpointing = settings.Checkpointing,
            FullPhase = PhaseLength.Steps(fullSteps),
            SparsePhase = PhaseLength.Steps(sparseSteps),
            LearningRate = EngineBenchmark.LearningRate,
            FullL1 = EngineBenchmark.L1,
            SparseL1 = EngineBenchmark.L1,
            MaxGradNorm = 1.0,
        };
        var trainer = new LtSftTrainer<MlmBatch>(model.Module, parameters, batch => probes.Forward(() => EngineBenchmarkModel.Loss(model, batch, settings.LabelsOnly)),
            data, options, probes)
        {
            Progress = new Callback(p => probes.UpdateDone()),
        };
        k = trainer.K;
        trainer.Train(); // ends with building the SFT, part of the last segment
        recorder.EndSegment("sparse.end");
    }

    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    /// <summary>Passes every call to the real kernels and tells the recorder which part of the update is running.</summary>
    private sealed class ProbingKernels(ISparseKernels inner, EngineRunRecorder recorder) : ISparseKernels
    {
        private enum Stage { BetweenSteps, Backward, Norm, Update }

        private string _phase = "full";
        private string _pending = "setup";
        private Stage _stage = Stage.BetweenSteps;

        public Tensor Forward(Func<Tensor> loss)
        {
            recorder.EndSegment(_pending);
            recorder.StepStarted(_phase);
            var value = loss();
            recorder.EndSegment($"{_phase}.forward");
            _stage = Stage.Backward;
            return value;
        }

        public void UpdateDone()
        {
            recorder.StepEnded(_phase);
            recorder.EndSegment($"{_phase}.update");
            _stage = Stage.BetweenSteps;
            _pending = $"{_phase}.data";
        }

        private void Entering(Stage stage)
        {
            if (_stage != stage - 1) return;
            recorder.EndSegment(stage == Stage.Norm ? $"{_phase}.backward" : $"{_phase}.norm");
            _stage = stage;
        }

        public IReadOnlyList<Tensor> SelectLargestChanges(IReadOnlyList<SelectionCandidate> candidates, long k)
        {
            recorder.EndSegment("full.end");
            recorder.SelectionStarted();
            var chosen = inner.SelectLargestChanges(candidates, k);
            recorder.SelectionEnded();
            if (inner is NativeSparseKernels)
            {
                var (scratchBytes, passes) = Sparse.TopKSelector.LastCallStatistics();
                recorder.Note($"native top-K: {passes} passes over θ and θ0, {scratchBytes / 1048576.0:F1} MiB scratch");
            }
            recorder.EndSegment("selection");
            _phase = "sparse";
            _pending = "rewind";
            return chosen;
        }

        public IReadOnlyList<Tensor> SelectRandom(IReadOnlyList<long> sizes, IReadOnlyList<Tensor?> excluded, long k, long seed) =>
            inner.SelectRandom(sizes, excluded, k, seed);

        public double DenseSquaredGradNorm(IReadOnlyList<DenseUpdateTensor> tensors, float l1)
        {
            Entering(Stage.Norm);
            return inner.DenseSquaredGradNorm(tensors, l1);
        }

        public double SparseSquaredGradNorm(SparseUpdateGroup group, float l1)
        {
            Entering(Stage.Norm);
            return inner.SparseSquaredGradNorm(group, l1);
        }

        public void DenseAdamWStep(IReadOnlyList<DenseAdamWTensor> tensors, AdamWScalars scalars)
        {
            Entering(Stage.Update);
            inner.DenseAdamWStep(tensors, scalars);
        }

        public void SparseAdamWStep(SparseAdamWGroup group, AdamWScalars scalars)
        {
            Entering(Stage.Update);
            inner.SparseAdamWStep(group, scalars);
        }
    }
}
