using DslSft.Engine;
using DslSft.Training;

namespace DslSft.Tests.Engine;

[Collection(EngineTrainingCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dslsft-engine-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>The uninterrupted run every interruption is compared with (computed once; no output directory needed).</summary>
    private static readonly Lazy<LtSftResult> Straight = new(() =>
        Trainer(new TinyModel(seed: 9, dropoutRate: 0.1), Options(null!) with { OutputDirectory = null }).Train());

    private static LtSftOptions Options(string directory) => new()
    {
        TunableCount = 45,
        Iterations = 2,
        FullPhase = PhaseLength.Steps(5),
        SparsePhase = PhaseLength.Steps(6),
        LearningRate = 0.02,
        WarmupSteps = 2,
        WeightDecay = 0.01f,
        SparseL1 = 1.0,
        L1Mode = L1Mode.Paper,
        GradientAccumulation = 2,
        CheckpointEvery = 4,
        OutputDirectory = directory,
        Seed = 17,
    };

    private static LtSftTrainer<TinyBatch> Trainer(TinyModel model, LtSftOptions options, IProgress<TrainingProgress>? progress = null) =>
        new(model, model.Trainable(), model.Loss, TinyData.Create(examples: 20, batchSize: 3), options) { Progress = progress };

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post elsewhere).</summary>
    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    [Theory]
    [InlineData(2, TrainingPhase.Full, 3)]    // full phase of round 2: rewind target in the checkpoint
    [InlineData(2, TrainingPhase.Sparse, 2)]  // last sparse phase: dense θ0 of maskable tensors already dropped
    [InlineData(1, TrainingPhase.Sparse, 6)]  // right at a phase end
    public void CancelledRunResumesToTheUninterruptedResult(int iteration, TrainingPhase phase, long step)
    {
        var straight = Straight.Value;

        var directory = Path.Combine(_root, "interrupted");
        using var cancel = new CancellationTokenSource();
        var first = Trainer(new TinyModel(seed: 9, dropoutRate: 0.1), Options(directory),
            new Callback(p => { if (p.Iteration == iteration && p.Phase == phase && p.Step == step) cancel.Cancel(); }));
        Assert.ThrowsAny<OperationCanceledException>(() => first.Train(cancel.Token));
        Assert.True(File.Exists(Path.Combine(directory, "checkpoint", "state.json")));

        var resumed = Trainer(new TinyModel(seed: 9, dropoutRate: 0.1), Options(directory) with { Resume = true }).Train();

        Assert.Equal(straight.Log.Select(TrainingLog.Serialize), resumed.Log.Select(TrainingLog.Serialize));
        foreach (var (name, diff) in straight.Sft.Diffs)
        {
            Assert.Equal(diff.Indices.data<long>().ToArray(), resumed.Sft.Diffs[name].Indices.data<long>().ToArray());
            Assert.Equal(diff.Values.data<float>().ToArray(), resumed.Sft.Diffs[name].Values.data<float>().ToArray());
        }
        foreach (var (name, abs) in straight.Sft.Abs) Assert.Equal(abs.data<float>().ToArray(), resumed.Sft.Abs[name].data<float>().ToArray());
        Assert.Equal(straight.Log.Select(TrainingLog.Serialize), File.ReadAllLines(Path.Combine(directory, "train_log.jsonl")));
    }

    [Fact]
    public void ResumeWithDifferentOptionsIsRefused()
    {
        var directory = Path.Combine(_root, "changed");
        using var cancel = new CancellationTokenSource();
        var first = Trainer(new TinyModel(seed: 9), Options(directory), new Callback(p => { if (p.Step == 2) cancel.Cancel(); }));
        Assert.ThrowsAny<OperationCanceledException>(() => first.Train(cancel.Token));
        var error = Assert.Throws<InvalidInputException>(() => Trainer(new TinyModel(seed: 9), Options(directory) with { Resume = true, LearningRate = 0.5 }).Train());
        Assert.Contains("learning_rate", error.Message);
    }

    [Fact]
    public void WritesAJsonlLogAndALossPlot()
    {
        var directory = Path.Combine(_root, "outputs");
        var result = Trainer(new TinyModel(seed: 9), Options(directory) with { Iterations = 1 }).Train();
        var lines = File.ReadAllLines(Path.Combine(directory, "train_log.jsonl"));
        Assert.Equal(11, lines.Length);
        var entries = lines.Select(TrainingLog.Deserialize).ToList();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i).Concat(Enumerable.Range(1, 6).Select(i => (long)i)), entries.Select(e => e.Step));
        Assert.All(entries, e => Assert.True(e.Loss > 0 && e.LearningRate >= 0 && e.GradNorm > 0));
        Assert.Equal(result.Log.Count, entries.Count);
        var png = File.ReadAllBytes(Path.Combine(directory, "loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4).ToArray());
        Assert.True(png.Length > 2000);
    }
}
