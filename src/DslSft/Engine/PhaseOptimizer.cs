using DslSft.Engine.Kernels;
using DslSft.Engine.Optimizers;
using DslSft.Models.SampledGradients;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine;

/// <summary>
/// The options' optimizer rule (<see cref="IOptimizerRule"/>; AdamW by default) over one phase's trainable state:
/// dense tensors (every parameter in the full phase, the heads in the sparse phase) keep dense rule state (AdamW's
/// moments); maskable tensors in the sparse phase keep only compact K-length state and θ0 values, and receive their gradient in a compact K-length buffer
/// too: models write it there directly (<see cref="BindSampledGradients"/>), and gradients autograd still leaves in
/// <c>.grad</c> are gathered into it (<see cref="CollectGradients"/>). Tensors are grouped as torch param groups
/// are, by weight decay and by whether the L1 pull applies, so each kernel call shares one set of scalars.
/// </summary>
internal sealed class PhaseOptimizer : IDisposable
{
    private readonly ISparseKernels _kernels;
    private readonly List<DenseGroup> _dense = new();
    private readonly List<SparseGroup> _sparse = new();
    private readonly LtSftOptions _options;
    private readonly IOptimizerRule _rule;
    private readonly float _l1;

    /// <param name="l1">L1 coefficient already divided by the parameter count.</param>
    public PhaseOptimizer(ISparseKernels kernels, LtSftOptions options, float l1)
    {
        _kernels = kernels;
        _options = options;
        _rule = options.OptimizerRule;
        _l1 = l1;
    }

    /// <summary>Number of updates taken so far (drives the bias corrections).</summary>
    public long StepCount { get; set; }

    /// <summary>Adds a densely trained parameter; <paramref name="original"/> is required when L1 applies to it.</summary>
    public void AddDense(string name, Tensor param, Tensor? original, bool applyL1)
    {
        var decay = !_options.NoDecay(name);
        var group = _dense.FirstOrDefault(g => g.Decay == decay && g.ApplyL1 == applyL1);
        if (group is null) _dense.Add(group = new DenseGroup(decay, applyL1));
        if (applyL1 && _l1 != 0 && original is null) throw new ArgumentException($"L1 needs θ0 for '{name}'");
        var state = Enumerable.Range(0, _rule.StateCount).Select(_ => torch.zeros_like(param).DetachFromDisposeScope()).ToArray();
        group.Entries.Add(new DenseEntry(name, param, state, applyL1 ? original : null));
    }

    /// <summary>Adds a maskable parameter trained at <paramref name="indices"/> only, with θ0 at those entries.</summary>
    public void AddSparse(string name, Tensor param, Tensor indices, Tensor compactOriginal)
    {
        var decay = !_options.NoDecay(name);
        var group = _sparse.FirstOrDefault(g => g.Decay == decay);
        if (group is null) _sparse.Add(group = new SparseGroup(decay));
        group.Names.Add(name);
        group.Params.Add(param);
        group.Indices.Add(indices);
        group.Originals.Add(compactOriginal);
    }

    /// <summary>Allocates the compact buffers once all sparse tensors are added.</summary>
    public void Seal()
    {
        foreach (var g in _sparse) g.Seal(_rule.StateCount);
    }

    /// <summary>
    /// Points the models' sampled weight gradients (<see cref="SampledWeightGradients"/>) at the compact gradient
    /// buffers, so backward computes each sparse tensor's gradient only at its selected entries. Until the returned
    /// scope is disposed; null when there is nothing to bind.
    /// </summary>
    public IDisposable? BindSampledGradients()
    {
        var targets = _sparse.SelectMany(g => g.Targets()).ToList();
        return targets.Count == 0 ? null : SampledWeightGradients.Bind(targets);
    }

    /// <summary>
    /// After backward: adds the gradients autograd left in <c>.grad</c> of sparse tensors (uses that do not sample,
    /// such as modules outside the model's encoder) into the compact buffers at the selected entries and drops them.
    /// </summary>
    public void CollectGradients()
    {
        foreach (var g in _sparse) g.CollectDenseGradients();
    }

    /// <summary>Global gradient norm, L1 subgradient included, over everything this optimizer updates.</summary>
    public double GradNorm()
    {
        double sum = 0;
        foreach (var g in _dense) sum += _kernels.DenseSquaredGradNorm(g.Tensors(), g.ApplyL1 ? _l1 : 0f);
        foreach (var g in _sparse) sum += _kernels.SparseSquaredGradNorm(g.Batch(), _l1);
        return Math.Sqrt(sum);
    }

    public void Step(double learningRate, double gradScale)
    {
        StepCount++;
        foreach (var g in _dense)
            _rule.DenseStep(_kernels, g.Tensors(), Scalars(learningRate, gradScale, g.Decay, g.ApplyL1 ? _l1 : 0f));
        foreach (var g in _sparse)
            _rule.SparseStep(_kernels, g.Batch(), Scalars(learningRate, gradScale, g.Decay, _l1));
    }

    private OptimizerStep Scalars(double lr, double gradScale, bool decay, float l1) =>
        new(StepCount, (float)lr, decay ? _options.WeightDecay : 0f, (float)gradScale, l1);

    /// <summary>
    /// Drops every gradient this optimizer reads (torch's <c>zero_grad(set_to_none=True)</c>). The next backward
    /// allocates fresh ones, so no gradient memory is held between updates or during the forward pass, when
    /// activations peak, and autograd stores the first gradient instead of adding it to zeros. The compact
    /// gradients of sparse tensors are zeroed (K floats).
    /// </summary>
    public void ReleaseGrads()
    {
        foreach (var g in _dense) foreach (var e in g.Entries) e.Param.grad = null;
        foreach (var g in _sparse)
        {
            foreach (var p in g.Params) p.grad = null;
            g.Grad?.zero_();
        }
    }

    /// <summary>The rule's state keyed for a checkpoint (AdamW's moments keep the keys "m" and "v").</summary>
    public Dictionary<string, Tensor> ExportState()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in StateEntries()) state[key] = tensor;
        return state;
    }

    public void ImportState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in StateEntries()) tensor.copy_(Require(state, key));
    }

    private IEnumerable<(string Key, Tensor Tensor)> StateEntries()
    {
        static string Slot(int i) => i switch { 0 => "m", 1 => "v", _ => $"s{i}" };
        foreach (var g in _dense)
            foreach (var e in g.Entries)
                for (var i = 0; i < e.State.Length; i++) yield return ($"dense.{Slot(i)}/{e.Name}", e.State[i]);
        foreach (var g in _sparse)
            for (var i = 0; i < g.State.Length; i++) yield return ($"sparse.{Slot(i)}/{(g.Decay ? "decay" : "nodecay")}", g.State[i]);
    }

    private static Tensor Require(IReadOnlyDictionary<string, Tensor> state, string key) =>
        state.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"checkpoint lacks optimizer state '{key}'");

    /// <summary>Bytes of optimizer state held (the rule's state and compact θ0), for memory reports.</summary>
    public long StateBytes =>
        _dense.Sum(g => g.Entries.Sum(e => e.State.Length * e.Param.numel() * 4)) +
        _sparse.Sum(g => (g.State.Length + 1) * g.Count * 4 + g.Indices.Sum(i => i.numel() * 8));

    public void Dispose()
    {
        foreach (var g in _dense) foreach (var e in g.Entries) foreach (var t in e.State) t.Dispose();
        foreach (var g in _sparse) g.Dispose();
        _dense.Clear();
        _sparse.Clear();
    }

    private sealed record DenseEntry(string Name, Tensor Param, Tensor[] State, Tensor? Original);

    private sealed class DenseGroup(bool decay, bool applyL1)
    {
        public bool Decay { get; } = decay;
        public bool ApplyL1 { get; } = applyL1;
        public List<DenseEntry> Entries { get; } = new();

        /// <summary>The kernel view; parameters that got no gradient this step are skipped, as torch optimizers do.</summary>
        public IReadOnlyList<DenseUpdateTensor> Tensors() =>
            Entries.Where(e => e.Param.grad is not null)
                .Select(e => new DenseUpdateTensor(e.Param, e.Param.grad!, e.State, e.Original)).ToList();
    }

    private sealed class SparseGroup(bool decay) : IDisposable
    {
        public bool Decay { get; } = decay;
        public List<string> Names { get; } = new();
        public List<Tensor> Params { get; } = new();
        public List<Tensor> Indices { get; } = new();
        public List<Tensor> Originals { get; } = new();
        public long[] Offsets { get; private set; } = Array.Empty<long>();
        /// <summary>The rule's compact state buffers (K floats each).</summary>
        public Tensor[] State { get; private set; } = Array.Empty<Tensor>();
        public Tensor? Original { get; private set; }
        /// <summary>The gradient at the selected entries, accumulated over an update's backward passes.</summary>
        public Tensor? Grad { get; private set; }
        public long Count => Offsets.Length == 0 ? 0 : Offsets[^1];
        private Tensor[] _gradSlices = Array.Empty<Tensor>();

        public void Seal(int stateCount)
        {
            Offsets = new long[Params.Count + 1];
            for (var i = 0; i < Params.Count; i++) Offsets[i + 1] = Offsets[i] + Indices[i].numel();
            var device = Params.Count > 0 ? Params[0].device : torch.CPU;
            State = Enumerable.Range(0, stateCount).Select(_ => torch.zeros(Count, ScalarType.Float32, device).DetachFromDisposeScope()).ToArray();
            Grad = torch.zeros(Count, ScalarType.Float32, device).DetachFromDisposeScope();
            _gradSlices = Params.Select((_, i) => Grad.narrow(0, Offsets[i], Offsets[i + 1] - Offsets[i]).DetachFromDisposeScope()).ToArray();
            // The group's own copy: the caller keeps (and disposes) the per-tensor compact θ0 it passed in.
            Original = (Count == 0 ? torch.zeros(0, ScalarType.Float32, device) : torch.cat(Originals.ToArray(), 0)).DetachFromDisposeScope();
            Originals.Clear();
        }

        /// <summary>Each tensor with its slice of <see cref="Grad"/>: where sampled weight gradients go.</summary>
        public IEnumerable<(Tensor Weight, SampledGradientTarget Target)> Targets() =>
            Params.Select((p, i) => (p, new SampledGradientTarget(Indices[i], _gradSlices[i])));

        /// <summary>Adds dense .grad values (from uses that do not sample) at the indices and drops the dense tensor.</summary>
        public void CollectDenseGradients()
        {
            using var noGrad = torch.no_grad();
            for (var i = 0; i < Params.Count; i++)
            {
                if (Params[i].grad is not { } dense) continue;
                using (var gathered = dense.reshape(-1).index_select(0, Indices[i])) _gradSlices[i].add_(gathered);
                Params[i].grad = null;
            }
        }

        /// <summary>The kernel view. A tensor the loss did not reach contributes its zeros.</summary>
        public SparseUpdateGroup Batch() => new(Params, Grad!, Indices, Offsets, State, Original!);

        public void Dispose()
        {
            foreach (var t in State) t.Dispose();
            Original?.Dispose();
            foreach (var s in _gradSlices) s.Dispose();
            Grad?.Dispose();
        }
    }
}
