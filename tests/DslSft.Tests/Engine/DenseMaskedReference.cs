using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DslSft.Tests.Engine;

/// <summary>
/// LT-SFT the way the original does it, written independently of the engine with plain dense TorchSharp:
/// torch.optim.AdamW over every parameter, the L1 term as an autograd loss, clip_grad_norm_, and in the sparse
/// phase a dense 0/1 mask multiplied into the gradients. Selection sorts all |θ − θ0| in managed code.
/// </summary>
internal static class DenseMaskedReference
{
    public sealed record Settings(long K, int Iterations, long FullSteps, long SparseSteps, double LearningRate, long Warmup,
        double MaxGradNorm, double FullL1, double SparseL1, bool L1OnHeads);

    public static Dictionary<string, bool[]> Train(TinyModel model, DslSft.Training.ITrainingData<TinyBatch> data, Settings s)
    {
        var named = model.named_parameters().ToList();
        var maskable = named.Where(p => TinyModel.RoleOf(p.name) == DslSft.Models.ParameterRole.Maskable).ToList();
        long total = named.Sum(p => p.parameter.numel());
        Dictionary<string, Tensor> original;
        using (torch.no_grad()) original = named.ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var masks = maskable.ToDictionary(p => p.name, p => new bool[p.parameter.numel()]);
        var batches = new Batches(data); // phases read on where the previous one stopped

        for (var it = 0; it < s.Iterations; it++)
        {
            Dictionary<string, Tensor> previous;
            using (torch.no_grad()) previous = named.ToDictionary(p => p.name, p => p.parameter.detach().clone());
            Phase(model, batches, named, original, total, s, s.FullSteps, s.FullL1, masks: null);

            var k = it == s.Iterations - 1 ? s.K - masks.Values.Sum(m => m.LongCount(x => x)) : s.K / s.Iterations;
            var scores = new List<(float Score, string Name, int Index)>();
            foreach (var (name, p) in maskable)
            {
                var current = p.detach().reshape(-1).data<float>().ToArray();
                var orig = original[name].reshape(-1).data<float>().ToArray();
                for (var i = 0; i < current.Length; i++)
                    if (!masks[name][i]) scores.Add((Math.Abs(current[i] - orig[i]), name, i));
            }
            foreach (var (_, name, index) in scores.OrderByDescending(x => x.Score).Take((int)k)) masks[name][index] = true;

            using (torch.no_grad()) foreach (var (name, p) in named) p.copy_(previous[name]);
            Phase(model, batches, named, original, total, s, s.SparseSteps, s.SparseL1, masks);
        }
        return masks;
    }

    /// <summary>Batches epoch after epoch, across phases.</summary>
    private sealed class Batches(DslSft.Training.ITrainingData<TinyBatch> data)
    {
        private int _epoch;
        private IEnumerator<TinyBatch> _enumerator = data.Epoch(0).GetEnumerator();

        public TinyBatch Next()
        {
            if (!_enumerator.MoveNext()) { _enumerator = data.Epoch(++_epoch).GetEnumerator(); _enumerator.MoveNext(); }
            return _enumerator.Current;
        }
    }

    private static void Phase(TinyModel model, Batches batches, List<(string name, Parameter parameter)> named,
        Dictionary<string, Tensor> original, long total, Settings s, long steps, double l1, Dictionary<string, bool[]>? masks)
    {
        var optimizer = torch.optim.AdamW(named.Select(p => p.parameter), lr: s.LearningRate);
        var maskTensors = masks?.ToDictionary(m => m.Key, m => torch.tensor(m.Value).to(ScalarType.Float32).reshape(named.First(p => p.name == m.Key).parameter.shape));
        for (long step = 0; step < steps; step++)
        {
            var batch = batches.Next();
            var lr = step < s.Warmup ? s.LearningRate * step / Math.Max(1, s.Warmup)
                : s.LearningRate * Math.Max(0.0, (double)(steps - step) / Math.Max(1, steps - s.Warmup));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            optimizer.zero_grad();
            var loss = model.Loss(batch);
            if (l1 != 0)
            {
                var distances = named.Where(p => s.L1OnHeads || TinyModel.RoleOf(p.name) == DslSft.Models.ParameterRole.Maskable)
                    .Select(p => (p.parameter - original[p.name]).abs().sum()).ToArray();
                loss = loss + l1 * torch.stack(distances).sum() / total;
            }
            loss.backward();
            if (maskTensors is not null)
                using (torch.no_grad())
                    foreach (var (name, p) in named)
                        if (maskTensors.TryGetValue(name, out var mask)) p.grad!.mul_(mask);
            if (s.MaxGradNorm > 0) torch.nn.utils.clip_grad_norm_(named.Select(p => p.parameter), s.MaxGradNorm);
            optimizer.step();
        }
    }
}
