using DslSft.Engine;
using DslSft.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Benchmarks;

/// <summary>
/// The baseline: one LT-SFT iteration as composable-sft's LotteryTicketSparseFineTuner runs it on HF's Trainer,
/// written in plain TorchSharp on the same model and data as ours:
/// <list type="bullet">
/// <item>SparseFineTuner.__init__: a copy θ0 of every trainable parameter and a bool mask per maskable one
/// (all false after <c>freeze()</c>);</item>
/// <item>train(): <c>previous_params</c>, a full copy of every parameter, taken before the full phase and kept
/// until the end of the iteration (the rewind target);</item>
/// <item>each update: HF-style MLM forward (logits at every position), backward; the L1 term
/// λ·Σ|θ − θ0| / (parameter count) over the maskable parameters as its own autograd loss and backward; in the
/// sparse phase <c>p.grad *= mask</c> for every maskable parameter; <c>clip_grad_norm_</c>; torch AdamW over every
/// trainable parameter; <c>model.zero_grad()</c> (gradients zeroed and kept, as torch 1.13 does);</item>
/// <item>unfreeze_k_most_changed_params: gradients dropped (<c>p.grad = None</c>), per tensor |θ − θ0| at the
/// still-unmasked entries, <c>torch.cat</c>, the K-th largest by <c>torch.topk</c> as the threshold, then
/// <c>mask |= (|θ − θ0| ≥ threshold) &amp; ~mask</c> tensor by tensor;</item>
/// <item>rewind: every parameter copied back from <c>previous_params</c>; then <c>self.optimizer = None</c>, so the
/// sparse phase starts with a fresh AdamW (the full phase's moments are alive until here).</item>
/// </list>
/// Python frees a temporary when its last reference goes; TorchSharp would keep it to the end of the dispose scope,
/// so temporaries are disposed where Python would drop them, to keep the baseline's memory what Python's would be.
/// </summary>
internal static class EngineBaselineRun
{
    public static void Run(EncoderShape shape, int fullSteps, int sparseSteps, EngineRunRecorder recorder, out long k)
    {
        using var model = EngineBenchmarkModel.Create(shape);
        var parameters = EngineBenchmarkModel.Parameters(model);
        var data = EngineBenchmarkModel.Data(shape);
        recorder.EndSegment("build");

        var trainable = parameters.Where(p => p.Role is ParameterRole.Maskable or ParameterRole.DenseHead).ToList();
        var maskable = trainable.Where(p => p.Role == ParameterRole.Maskable).ToList();
        var parameterCount = parameters.Where(p => p.Role != ParameterRole.Tied).Sum(p => p.Tensor.numel());
        k = (long)(EngineBenchmark.Proportion * maskable.Sum(p => p.Tensor.numel()));
        Dictionary<string, Tensor> original, previous, mask;
        using (no_grad())
        {
            original = trainable.ToDictionary(p => p.Name, p => p.Tensor.detach().clone());
            mask = maskable.ToDictionary(p => p.Name, p => zeros_like(p.Tensor, dtype: ScalarType.Bool));
            previous = trainable.ToDictionary(p => p.Name, p => p.Tensor.detach().clone());
        }

        var optimizer = NewOptimizer(trainable);
        var pending = "setup";
        void Phase(string phase, int steps, bool masking)
        {
            model.Module.train();
            using var batches = data.Epoch(0).GetEnumerator();
            for (var step = 0; step < steps; step++)
            {
                batches.MoveNext();
                recorder.EndSegment(pending);
                recorder.StepStarted(phase);
                using (var scope = NewDisposeScope())
                {
                    var loss = EngineBenchmarkModel.Loss(model, batches.Current, labelsOnly: false);
                    recorder.EndSegment($"{phase}.forward");
                    loss.backward();
                    L1Loss(maskable, original, EngineBenchmark.L1 / parameterCount).backward();
                    if (masking)
                        using (no_grad())
                            foreach (var p in maskable) p.Tensor.grad?.mul_(mask[p.Name]);
                    recorder.EndSegment($"{phase}.backward");
                    nn.utils.clip_grad_norm_(trainable.Select(p => (Parameter)p.Tensor), 1.0);
                    recorder.EndSegment($"{phase}.norm");
                    optimizer.step();
                    using (no_grad())
                        foreach (var p in trainable) p.Tensor.grad?.zero_();
                }
                recorder.StepEnded(phase);
                recorder.EndSegment($"{phase}.update");
                pending = $"{phase}.data";
            }
        }

        Phase("full", fullSteps, masking: false);
        recorder.EndSegment("full.end");

        recorder.SelectionStarted();
        UnfreezeKMostChanged(trainable, maskable, original, mask, k);
        recorder.SelectionEnded();
        recorder.EndSegment("selection");

        using (no_grad())
            foreach (var p in trainable) p.Tensor.detach().copy_(previous[p.Name]);
        optimizer.Dispose();
        optimizer = NewOptimizer(trainable);
        pending = "rewind";

        Phase("sparse", sparseSteps, masking: true);
        recorder.EndSegment("sparse.end");
        optimizer.Dispose();
    }

    private static optim.Optimizer NewOptimizer(IEnumerable<TrainableParameter> trainable) =>
        optim.AdamW(trainable.Select(p => (Parameter)p.Tensor), lr: EngineBenchmark.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0);

    /// <summary>λ·Σ|θ − θ0| / N as one scalar loss; each tensor's temporaries go as soon as its sum is taken.</summary>
    private static Tensor L1Loss(List<TrainableParameter> maskable, Dictionary<string, Tensor> original, double scale)
    {
        var sums = new Tensor[maskable.Count];
        for (var i = 0; i < maskable.Count; i++)
        {
            using var delta = maskable[i].Tensor - original[maskable[i].Name];
            using var abs = delta.abs();
            sums[i] = abs.sum();
        }
        var total = stack(sums).sum().mul(scale);
        foreach (var s in sums) s.Dispose();
        return total;
    }

    private static void UnfreezeKMostChanged(List<TrainableParameter> trainable, List<TrainableParameter> maskable,
        Dictionary<string, Tensor> original, Dictionary<string, Tensor> mask, long k)
    {
        using var noGrad = no_grad();
        foreach (var p in trainable) p.Tensor.grad = null; // "save some memory to use for the diff calculation"
        var diffs = new List<Tensor>();
        foreach (var p in maskable)
        {
            using var scope = NewDisposeScope();
            var delta = (p.Tensor.detach() - original[p.Name]).view(-1);
            var validDeltas = delta.masked_select(mask[p.Name].view(-1).logical_not());
            diffs.Add(validDeltas.abs_().MoveToOuterDisposeScope());
        }
        float threshold;
        using (var all = cat(diffs, 0))
        {
            foreach (var d in diffs) d.Dispose();
            var (values, indices) = all.topk((int)k, largest: true);
            threshold = values[-1].item<float>();
            values.Dispose();
            indices.Dispose();
        }
        foreach (var p in maskable)
        {
            using var scope = NewDisposeScope();
            var absDelta = (p.Tensor.detach() - original[p.Name]).abs_();
            mask[p.Name].logical_or_(absDelta.ge(threshold).logical_and_(mask[p.Name].logical_not()));
        }
    }
}
