using DslSft.Engine.Kernels;
using DslSft.Models;
using DslSft.Models.Autograd;
using DslSft.Sft;
using DslSft.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DslSft.Engine;

/// <summary>
/// Lottery-ticket sparse fine-tuning (Ansell et al., 2022) of any TorchSharp module, as composable-sft's
/// LotteryTicketSparseFineTuner does it, for each of <see cref="LtSftOptions.Iterations"/> rounds:
/// <list type="number">
/// <item>full phase: dense AdamW on every trainable parameter;</item>
/// <item>selection: the K/n maskable entries (not yet selected) with the largest |θ − θ0|, exactly;</item>
/// <item>rewind: every trainable parameter, heads included, goes back to its value before the full phase;</item>
/// <item>sparse phase: AdamW on the selected entries (compact O(K) state) and the dense heads, with a fresh
/// optimizer and schedule.</item>
/// </list>
/// θ0 stays the pre-trained value throughout. The result is a <see cref="SparseFineTuning"/>.
/// </summary>
public sealed class LtSftTrainer<TBatch>
{
    private readonly nn.Module _model;
    private readonly IReadOnlyList<TrainableParameter> _parameters;
    private readonly List<TrainableParameter> _maskable;
    private readonly List<TrainableParameter> _heads;
    private readonly Func<TBatch, Tensor> _loss;
    private readonly ITrainingData<TBatch> _data;
    private readonly LtSftOptions _options;
    private readonly ISparseKernels _kernels;
    private readonly long _totalParameterCount;

    // Run state (all of it goes into checkpoints).
    private Dictionary<string, Tensor> _original = new();
    private Dictionary<string, Tensor>? _rewind;
    private readonly EntrySelection _selection = new();
    private Dictionary<string, Tensor> _compactOriginal = new();
    private Dictionary<string, Tensor>? _best;
    private double? _bestMetric;
    private IReadOnlyDictionary<string, double>? _lastEvaluation;
    private PhaseOptimizer? _optimizer;
    private TrainingLog _log = new(null);
    private int _iteration;
    private TrainingPhase _phase;
    private long _step;
    private int _selectedIterations;
    // Where the data stands between phases: each phase reads on from where the previous one stopped, so the sparse
    // phase sees batches the full phase did not (in composable-sft each phase's dataloader draws a new shuffle).
    private int _dataEpoch;
    private long _dataBatchInEpoch;

    /// <param name="model">The module; switched between train() and eval() around evaluations.</param>
    /// <param name="parameters">Its parameters with declared roles (the masking policy of the options is applied on top).</param>
    /// <param name="loss">Mean loss of one batch (forward pass); the trainer runs backward.</param>
    /// <param name="data">Training batches.</param>
    /// <param name="kernels">Fused operations; the TorchSharp reference when null.</param>
    public LtSftTrainer(nn.Module model, IReadOnlyList<TrainableParameter> parameters, Func<TBatch, Tensor> loss,
        ITrainingData<TBatch> data, LtSftOptions options, ISparseKernels? kernels = null)
    {
        if (options.Iterations < 1) throw new ArgumentException($"iterations must be at least 1, got {options.Iterations}");
        if (options.GradientAccumulation < 1) throw new ArgumentException($"gradient accumulation must be at least 1, got {options.GradientAccumulation}");
        if (options.RandomCountPerTensor is { } counts && (options.Method != SelectionMethod.Random || options.Iterations != 1 || options.TunableCount != counts.Values.Sum()))
            throw new ArgumentException("a per-tensor random allocation needs random selection, one iteration and K equal to the allocation's total");
        _model = model;
        _parameters = options.Masking.Apply(parameters);
        _maskable = _parameters.Where(p => p.Role == ParameterRole.Maskable).ToList();
        _heads = _parameters.Where(p => p.Role == ParameterRole.DenseHead).ToList();
        _loss = loss;
        _data = data;
        _options = options;
        _kernels = kernels ?? NativeSparseKernels.Default;
        // composable-sft divides the L1 term by the model's parameter count (frozen ones included, shared ones once).
        _totalParameterCount = _parameters.Where(p => p.Role != ParameterRole.Tied).Sum(p => p.Tensor.numel());
        MaskableCount = _maskable.Sum(p => p.Tensor.numel());
        K = options.ResolveK(MaskableCount);
    }

    /// <summary>Returns metrics (for example "loss", "las") on held-out data; called in eval mode without gradients.</summary>
    public Func<IReadOnlyDictionary<string, double>>? Evaluator { get; init; }

    /// <summary>Wraps each batch's forward and backward (for example to activate that batch's source SFT).</summary>
    public Func<TBatch, IDisposable?>? BatchScope { get; init; }

    /// <summary>Receives a report after every update, synchronously on the training thread (keep it cheap).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Number of maskable entries in the model.</summary>
    public long MaskableCount { get; }

    /// <summary>Number of entries the run selects.</summary>
    public long K { get; }

    private string? OutputDirectory => _options.OutputDirectory;
    private string? CheckpointDirectory => OutputDirectory is null ? null : Path.Combine(OutputDirectory, "checkpoint");
    private TrainingPhase FirstPhase => _options.Method == SelectionMethod.LotteryTicket ? TrainingPhase.Full : TrainingPhase.Sparse;

    /// <summary>
    /// Runs (or, with <see cref="LtSftOptions.Resume"/>, continues) training. Cancellation stops before the next
    /// update, writes a checkpoint when there is an output directory, and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public LtSftResult Train(CancellationToken cancellationToken = default)
    {
        foreach (var p in _parameters)
            if (p.Role is ParameterRole.Maskable or ParameterRole.DenseHead) p.Tensor.requires_grad_(true);
            else if (p.Role == ParameterRole.Frozen) p.Tensor.requires_grad_(false);
        if (_options.GradientCheckpointing)
            foreach (var encoder in _model.modules().OfType<Models.Transformer.BertModel>()) encoder.GradientCheckpointing = true;
        if (OutputDirectory is not null) Directory.CreateDirectory(OutputDirectory);
        _log = new TrainingLog(OutputDirectory is null ? null : Path.Combine(OutputDirectory, "train_log.jsonl"));

        var cursor = _options.Resume && CheckpointDirectory is not null && TrainingCheckpoint.Exists(CheckpointDirectory)
            ? Restore(CheckpointDirectory)
            : StartFresh();

        for (; _iteration < _options.Iterations; _iteration++)
        {
            if (_phase == TrainingPhase.Full)
            {
                cursor ??= BeginFullPhase();
                RunPhase(cursor, _options.FullPhase, cancellationToken);
                EndData(cursor);
                cursor = null;
                SelectLargestChangesAndRewind();
                _phase = TrainingPhase.Sparse;
                _step = 0;
                SaveCheckpoint(null);
            }
            cursor ??= BeginSparsePhase();
            RunPhase(cursor, _options.SparsePhase, cancellationToken);
            EndData(cursor);
            cursor = null;
            EndPhase();
            _phase = FirstPhase;
            _step = 0;
            SaveCheckpoint(null, iteration: _iteration + 1);
        }
        SavePlot();
        return new LtSftResult(BuildSft(), _log.Entries.ToList(), _selection.Count, _lastEvaluation);
    }

    private void EndData(DataCursor<TBatch> cursor)
    {
        (_dataEpoch, _dataBatchInEpoch) = (cursor.Epoch, cursor.BatchInEpoch);
        cursor.Dispose();
    }

    private DataCursor<TBatch>? StartFresh()
    {
        torch.random.manual_seed(_options.Seed);
        _log.Reset(Array.Empty<TrainingLogEntry>());
        using var noGrad = torch.no_grad();
        foreach (var p in _maskable.Concat(_heads)) _original[p.Name] = p.Tensor.detach().clone().DetachFromDisposeScope();
        _iteration = 0;
        _phase = FirstPhase;
        _step = 0;
        (_dataEpoch, _dataBatchInEpoch) = (0, 0);
        return null;
    }

    private DataCursor<TBatch> BeginFullPhase()
    {
        // Rewind target: the values before this full phase (the pre-trained ones in the first round).
        if (_iteration > 0)
        {
            if (_rewind is not null) foreach (var t in _rewind.Values) t.Dispose();
            _rewind = CloneTrainable();
        }
        ResetBest();
        _optimizer = BuildFullOptimizer();
        return new DataCursor<TBatch>(_data, _dataEpoch, _dataBatchInEpoch);
    }

    private DataCursor<TBatch> BeginSparsePhase()
    {
        if (_options.Method == SelectionMethod.Random && _selectedIterations <= _iteration) SelectRandom();
        ResetBest();
        using (var noGrad = torch.no_grad())
        {
            foreach (var p in _maskable)
            {
                _compactOriginal.Remove(p.Name, out var old);
                old?.Dispose();
                var idx = SelectedOrEmpty(p);
                _compactOriginal[p.Name] = _original[p.Name].reshape(-1).index_select(0, idx).DetachFromDisposeScope();
            }
        }
        // The dense θ0 of maskable tensors is needed again only for a later selection.
        if (_iteration == _options.Iterations - 1)
            foreach (var p in _maskable)
                if (_original.Remove(p.Name, out var dense)) dense.Dispose();
        _optimizer = BuildSparseOptimizer();
        return new DataCursor<TBatch>(_data, _dataEpoch, _dataBatchInEpoch);
    }

    private PhaseOptimizer BuildFullOptimizer()
    {
        var optimizer = new PhaseOptimizer(_kernels, _options, L1Coefficient(_options.FullL1));
        foreach (var p in _maskable) optimizer.AddDense(p.Name, p.Tensor, _original[p.Name], applyL1: true);
        foreach (var p in _heads) optimizer.AddDense(p.Name, p.Tensor, _original[p.Name], applyL1: !_options.ApplyL1ToSparseOnly);
        optimizer.Seal();
        return optimizer;
    }

    private PhaseOptimizer BuildSparseOptimizer()
    {
        var optimizer = new PhaseOptimizer(_kernels, _options, L1Coefficient(_options.SparseL1));
        foreach (var p in _maskable)
        {
            if (_selection[p.Name] is not { } idx || idx.numel() == 0) continue;
            // Every entry selected (dense fine-tuning run as K = all): indices are sorted and unique, so they are
            // 0..n-1 and the compact θ0 is the tensor's θ0 in order. The dense kernel does the same update without
            // gathering and scattering n indices.
            if (idx.numel() == p.Tensor.numel())
                optimizer.AddDense(p.Name, p.Tensor, _compactOriginal[p.Name].view(p.Tensor.shape), applyL1: true);
            else
                optimizer.AddSparse(p.Name, p.Tensor, idx, _compactOriginal[p.Name]);
        }
        foreach (var p in _heads) optimizer.AddDense(p.Name, p.Tensor, _original[p.Name], applyL1: !_options.ApplyL1ToSparseOnly);
        optimizer.Seal();
        // Parameters with nothing selected take no part; their gradients are never read, so skip computing them.
        foreach (var p in _maskable)
            if (_selection[p.Name] is not { } idx || idx.numel() == 0) p.Tensor.requires_grad_(false);
        return optimizer;
    }

    /// <summary>
    /// The L1 subgradient's factor, rounded as autograd rounds it in composable-sft (the backward of
    /// <c>λ · sum / n</c> in float32 is fl32(fl32(1/n) · λ)); zero when the term does not act.
    /// </summary>
    private float L1Coefficient(double lambda) =>
        _options.L1Mode == L1Mode.Paper ? (1f / _totalParameterCount) * (float)lambda : 0f;

    /// <summary>Entries this round selects: K/n, the last round taking the remainder so the total is exactly K.</summary>
    private long RoundK() => _iteration == _options.Iterations - 1 ? K - _selection.Count : K / _options.Iterations;

    private void SelectLargestChangesAndRewind()
    {
        EndPhase();
        using (var noGrad = torch.no_grad())
        {
            var candidates = _maskable.Select(p => new SelectionCandidate(p.Tensor.detach(), _original[p.Name], _selection[p.Name])).ToList();
            AddSelection(_kernels.SelectLargestChanges(candidates, RoundK()));
            var target = _rewind ?? _original;
            foreach (var p in _maskable.Concat(_heads)) p.Tensor.detach().copy_(target[p.Name]);
        }
        if (_rewind is not null) foreach (var t in _rewind.Values) t.Dispose();
        _rewind = null;
    }

    private void SelectRandom()
    {
        var sizes = _maskable.Select(p => p.Tensor.numel()).ToList();
        var excluded = _maskable.Select(p => _selection[p.Name]).ToList();
        if (_options.RandomCountPerTensor is { } counts)
        {
            // A random mask with a given allocation over tensors: each tensor's entries drawn uniformly on their own.
            AddSelection(_maskable.Select((p, i) => _kernels.SelectRandom([sizes[i]], [excluded[i]], counts.GetValueOrDefault(p.Name), _options.Seed + 7919L * i)[0]).ToList());
            return;
        }
        if (RoundK() == MaskableCount - _selection.Count)
        {
            // Every entry still free is chosen (dense fine-tuning as K = all): no random draw can differ.
            AddSelection(_maskable.Select((p, i) => FreeEntries(sizes[i], excluded[i], p.Tensor.device)).ToList());
            return;
        }
        AddSelection(_kernels.SelectRandom(sizes, excluded, RoundK(), _options.Seed + 7919L * _iteration));
    }

    /// <summary>The flat indices of a tensor of <paramref name="size"/> entries not in <paramref name="taken"/>, sorted.</summary>
    private static Tensor FreeEntries(long size, Tensor? taken, Device device)
    {
        var all = torch.arange(size, ScalarType.Int64, device);
        if (taken is null || taken.numel() == 0) return all;
        using var free = torch.ones(size, ScalarType.Bool, device).index_fill_(0, taken, false);
        using (all) return all.masked_select(free);
    }

    private void AddSelection(IReadOnlyList<Tensor> chosen)
    {
        for (var i = 0; i < _maskable.Count; i++)
        {
            _selection.Add(_maskable[i].Name, chosen[i].to(_maskable[i].Tensor.device));
            chosen[i].Dispose();
        }
        _selectedIterations = _iteration + 1;
    }

    private Tensor SelectedOrEmpty(TrainableParameter p) =>
        _selection[p.Name] ?? torch.empty(0, ScalarType.Int64, p.Tensor.device);

    private void RunPhase(DataCursor<TBatch> cursor, PhaseLength length, CancellationToken cancellationToken)
    {
        var optimizer = _optimizer!;
        var totalSteps = length.ResolveSteps(_data.BatchesPerEpoch, _options.GradientAccumulation);
        var warmup = LinearWarmupSchedule.ResolveWarmup(_options.WarmupSteps, _options.WarmupRatio, totalSteps);
        var schedule = new LinearWarmupSchedule(_options.LearningRate, warmup, totalSteps);
        var accumulation = _options.GradientAccumulation;
        // Sparse phase: the encoder's weight gradients are computed only at the selected entries, into the optimizer's compact buffers.
        using var sampled = _options.SampledWeightGradients ? optimizer.BindSampledGradients() : null;
        _model.train();
        while (_step < totalSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                SaveCheckpoint(cursor);
                SavePlot();
                cancellationToken.ThrowIfCancellationRequested();
            }
            double lossSum = 0, norm, lr = schedule.LearningRate(_step);
            using (var scope = torch.NewDisposeScope())
            {
                for (var micro = 0; micro < accumulation; micro++)
                {
                    var batch = cursor.Next();
                    using var batchScope = BatchScope?.Invoke(batch);
                    var loss = _loss(batch);
                    lossSum += loss.item<float>();
                    // Mean over the accumulated micro-batches, as transformers scales each backward.
                    (accumulation == 1 ? loss : loss / accumulation).backward();
                    HandedBackGradients.Release();
                    optimizer.CollectGradients();
                }
                norm = optimizer.GradNorm();
                var scale = _options.MaxGradNorm > 0 ? Math.Min(1.0, _options.MaxGradNorm / (norm + 1e-6)) : 1.0;
                optimizer.Step(lr, scale);
                optimizer.ReleaseGrads();
            }
            _step++;
            var meanLoss = lossSum / accumulation;
            if (_step % Math.Max(1, _options.LogEvery) == 0 || _step == totalSteps)
                _log.Add(new TrainingLogEntry { Event = "step", Phase = PhaseName, Iteration = _iteration + 1, Step = _step, Loss = meanLoss, LearningRate = lr, GradNorm = norm });
            if (Evaluator is not null && ((_options.EvaluateEvery > 0 && _step % _options.EvaluateEvery == 0) || _step == totalSteps))
                Evaluate();
            Progress?.Report(new TrainingProgress(_phase, _iteration + 1, _options.Iterations, _step, totalSteps, meanLoss, lr, _lastEvaluation));
            if (_options.CheckpointEvery > 0 && _step % _options.CheckpointEvery == 0 && _step < totalSteps)
                SaveCheckpoint(cursor);
        }
    }

    private string PhaseName => _phase == TrainingPhase.Full ? "full" : "sparse";

    private void Evaluate()
    {
        _model.eval();
        IReadOnlyDictionary<string, double> metrics;
        using (var noGrad = torch.no_grad()) metrics = Evaluator!();
        _model.train();
        _lastEvaluation = metrics;
        _log.Add(new TrainingLogEntry { Event = "eval", Phase = PhaseName, Iteration = _iteration + 1, Step = _step, Metrics = metrics });
        if (!_options.LoadBestAtEnd) return;
        if (!metrics.TryGetValue(_options.BestMetric, out var value))
            throw new InvalidOperationException($"the evaluator returned no metric '{_options.BestMetric}' (got: {string.Join(", ", metrics.Keys)})");
        var better = _bestMetric is null || (_options.GreaterIsBetter ? value > _bestMetric : value < _bestMetric);
        if (!better) return;
        _bestMetric = value;
        DisposeBest();
        _best = SnapshotTrained();
    }

    /// <summary>The values this phase trains: whole tensors in the full phase, selected entries plus heads in the sparse phase.</summary>
    private Dictionary<string, Tensor> SnapshotTrained()
    {
        using var noGrad = torch.no_grad();
        var snapshot = new Dictionary<string, Tensor>();
        foreach (var p in _maskable)
            snapshot[p.Name] = (_phase == TrainingPhase.Full
                ? p.Tensor.detach().clone()
                : p.Tensor.detach().reshape(-1).index_select(0, SelectedOrEmpty(p))).DetachFromDisposeScope();
        foreach (var p in _heads) snapshot[p.Name] = p.Tensor.detach().clone().DetachFromDisposeScope();
        return snapshot;
    }

    private void RestoreTrained(IReadOnlyDictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in _maskable)
        {
            if (_phase == TrainingPhase.Full) p.Tensor.detach().copy_(snapshot[p.Name]);
            else if (_selection[p.Name] is { } idx && idx.numel() > 0) p.Tensor.detach().view(-1).index_copy_(0, idx, snapshot[p.Name].to(p.Tensor.device));
        }
        foreach (var p in _heads) p.Tensor.detach().copy_(snapshot[p.Name]);
    }

    /// <summary>
    /// Closes a phase: back to its best state if asked, optimizer state and gradients released (before selection,
    /// so its working memory does not come on top of them), every trainable tensor trainable again.
    /// </summary>
    private void EndPhase()
    {
        if (_options.LoadBestAtEnd && _best is not null) RestoreTrained(_best);
        DisposeBest();
        _optimizer?.Dispose();
        _optimizer = null;
        foreach (var p in _maskable.Concat(_heads)) p.Tensor.grad = null;
        foreach (var p in _maskable) p.Tensor.requires_grad_(true);
    }

    private void ResetBest()
    {
        DisposeBest();
        _bestMetric = null;
    }

    private void DisposeBest()
    {
        if (_best is not null) foreach (var t in _best.Values) t.Dispose();
        _best = null;
    }

    private Dictionary<string, Tensor> CloneTrainable()
    {
        using var noGrad = torch.no_grad();
        return _maskable.Concat(_heads).ToDictionary(p => p.Name, p => p.Tensor.detach().clone().DetachFromDisposeScope());
    }

    private SparseFineTuning BuildSft()
    {
        using var noGrad = torch.no_grad();
        var diffs = new Dictionary<string, SparseDiff>();
        foreach (var p in _maskable)
        {
            var idx = SelectedOrEmpty(p);
            var values = p.Tensor.detach().reshape(-1).index_select(0, idx) - _compactOriginal[p.Name];
            diffs[p.Name] = new SparseDiff(p.Tensor.shape, idx.cpu().clone().DetachFromDisposeScope(), values.cpu().contiguous().DetachFromDisposeScope());
        }
        var abs = _heads.ToDictionary(p => p.Name, p => p.Tensor.detach().cpu().clone().DetachFromDisposeScope());
        var metadata = new SftMetadata
        {
            Method = _options.Method == SelectionMethod.LotteryTicket ? "lt-sft" : "random",
            K = _selection.Count,
            TrainingArguments = _options.Describe(),
        };
        return new SparseFineTuning(diffs, abs, metadata);
    }

    private void SavePlot()
    {
        if (OutputDirectory is null || _log.Entries.Count == 0) return;
        LossPlot.Save(_log.Entries, Path.Combine(OutputDirectory, "loss.png"));
    }

    /// <param name="cursor">The data position when saving inside a phase; null at a phase boundary.</param>
    /// <param name="iteration">The round to record when it is not the current one (a boundary before the next round).</param>
    private void SaveCheckpoint(DataCursor<TBatch>? cursor, int? iteration = null)
    {
        if (CheckpointDirectory is null) return;
        var tensors = new Dictionary<string, Tensor>();
        foreach (var p in _maskable.Concat(_heads)) tensors[$"param/{p.Name}"] = p.Tensor;
        foreach (var (name, t) in _original) tensors[$"orig/{name}"] = t;
        if (_rewind is not null) foreach (var (name, t) in _rewind) tensors[$"rewind/{name}"] = t;
        foreach (var (name, t) in _selection.Indices) tensors[$"select/{name}"] = t;
        foreach (var (name, t) in _compactOriginal) tensors[$"corig/{name}"] = t;
        if (cursor is not null)
        {
            // Mid-phase: optimizer, compact θ0 and best-so-far are part of the state.
            foreach (var (key, t) in _optimizer!.ExportState()) tensors[$"opt/{key}"] = t;
            if (_best is not null) foreach (var (name, t) in _best) tensors[$"best/{name}"] = t;
        }
        tensors["rng"] = torch.random.get_rng_state();
        var state = new CheckpointState
        {
            Iteration = iteration ?? _iteration,
            Phase = _phase,
            Step = cursor is null ? 0 : _step,
            OptimizerSteps = cursor is null ? 0 : _optimizer!.StepCount,
            Epoch = cursor?.Epoch ?? _dataEpoch,
            BatchInEpoch = cursor?.BatchInEpoch ?? _dataBatchInEpoch,
            BestMetric = cursor is null ? null : _bestMetric,
            LastEvaluation = _lastEvaluation,
            Options = _options.Describe(),
            Log = _log.Entries.ToList(),
            SelectedIterations = _selectedIterations,
            MidPhase = cursor is not null,
        };
        TrainingCheckpoint.Save(CheckpointDirectory, state, tensors);
    }

    /// <summary>
    /// Draws, without training, every batch the interrupted run had drawn, in the same order and through the same
    /// cursors (each phase continuing where the previous one stopped), up to the checkpointed step. Data pipelines with
    /// state of their own (an MLM collator's masking generator) then stand exactly where they stood, so the resumed run
    /// equals an uninterrupted one bit for bit. Returns the current phase's cursor when the checkpoint was taken inside
    /// a phase (null at a boundary); either way the position reached must be the checkpoint's.
    /// </summary>
    private DataCursor<TBatch>? ReplayDraws(CheckpointState state, string directory)
    {
        int accumulation = _options.GradientAccumulation;
        long Draws(PhaseLength length) => length.ResolveSteps(_data.BatchesPerEpoch, accumulation) * accumulation;
        bool lotteryTicket = _options.Method == SelectionMethod.LotteryTicket;
        var completed = new List<long>();
        for (int i = 0; i < state.Iteration; i++)
        {
            if (lotteryTicket) completed.Add(Draws(_options.FullPhase));
            completed.Add(Draws(_options.SparsePhase));
        }
        if (lotteryTicket && state.Phase == TrainingPhase.Sparse) completed.Add(Draws(_options.FullPhase));
        if (state.MidPhase) completed.Add(state.Step * accumulation);

        using var scope = torch.NewDisposeScope(); // the batches are thrown away, as the trainer's own scopes do
        (int epoch, long batch) = (0, 0);
        DataCursor<TBatch>? cursor = null;
        for (int p = 0; p < completed.Count; p++)
        {
            cursor = new DataCursor<TBatch>(_data, epoch, batch);
            for (long i = 0; i < completed[p]; i++) cursor.Next();
            (epoch, batch) = (cursor.Epoch, cursor.BatchInEpoch);
            if (p < completed.Count - 1 || !state.MidPhase) { cursor.Dispose(); cursor = null; }
        }
        if (epoch != state.Epoch || batch != state.BatchInEpoch)
        {
            cursor?.Dispose();
            throw new InvalidInputException($"checkpoint stands at batch {state.BatchInEpoch} of epoch {state.Epoch}, but the training data reach batch " +
                                            $"{batch} of epoch {epoch} there: resume with the same training data", directory);
        }
        return state.MidPhase ? cursor ?? new DataCursor<TBatch>(_data, epoch, batch) : null;
    }

    /// <summary>Loads the checkpoint; returns the data cursor when it was taken mid-phase (null at a phase boundary).</summary>
    private DataCursor<TBatch>? Restore(string directory)
    {
        var (state, tensors) = TrainingCheckpoint.Load(directory);
        var kept = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        try
        {
            var current = _options.Describe();
            var differing = current.Where(kv => !state.Options.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key).ToList();
            if (differing.Count > 0)
                throw new InvalidInputException($"checkpoint was written with different options ({string.Join(", ", differing)}); start a new run or restore them", directory);
            Tensor Get(string key) => tensors.TryGetValue(key, out var t) ? t : throw new InvalidInputException($"checkpoint lacks tensor '{key}'", directory);

            using (var noGrad = torch.no_grad())
                foreach (var p in _maskable.Concat(_heads)) p.Tensor.detach().copy_(Get($"param/{p.Name}"));
            var device = _maskable.Concat(_heads).FirstOrDefault()?.Tensor.device ?? torch.CPU;
            Dictionary<string, Tensor> Prefixed(string prefix) => tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => Keep(kv.Value.to(device)));
            Tensor Keep(Tensor t) { kept.Add(t); return t.DetachFromDisposeScope(); }
            _original = Prefixed("orig/");
            var rewind = Prefixed("rewind/");
            _rewind = rewind.Count > 0 ? rewind : null;
            foreach (var (name, idx) in Prefixed("select/")) _selection.Add(name, idx);
            _selectedIterations = state.SelectedIterations;
            _iteration = state.Iteration;
            _phase = state.Phase;
            _step = state.Step;
            _lastEvaluation = state.LastEvaluation;
            _log.Reset(state.Log);
            // Before the generator is restored: replaying may draw random numbers that the checkpointed state already reflects.
            var cursor = ReplayDraws(state, directory);
            torch.random.set_rng_state(Get("rng"));
            _compactOriginal = Prefixed("corig/");
            (_dataEpoch, _dataBatchInEpoch) = (state.Epoch, state.BatchInEpoch);
            if (cursor is null) return null;

            // Mid-phase: rebuild the phase's optimizer as it was built, then load its state.
            ResetBest();
            if (_phase == TrainingPhase.Sparse)
            {
                if (_iteration == _options.Iterations - 1)
                    foreach (var p in _maskable) if (_original.Remove(p.Name, out var dense)) dense.Dispose();
                _optimizer = BuildSparseOptimizer();
            }
            else _optimizer = BuildFullOptimizer();
            _optimizer.ImportState(Prefixed("opt/"));
            _optimizer.StepCount = state.OptimizerSteps;
            var best = Prefixed("best/");
            if (best.Count > 0) { _best = best; _bestMetric = state.BestMetric; }
            return cursor;
        }
        finally
        {
            foreach (var t in tensors.Values) if (!kept.Contains(t)) t.Dispose();
        }
    }
}
