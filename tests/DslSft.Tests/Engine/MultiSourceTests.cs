using DslSft.Engine;
using DslSft.Training;
using DslSft.Training.MultiSource;

namespace DslSft.Tests.Engine;

public class MultiSourceTests
{
    private sealed class Numbers(string prefix, int count) : ITrainingData<string>
    {
        public long BatchesPerEpoch => count;
        public IEnumerable<string> Epoch(int epoch) => Enumerable.Range(0, count).Select(i => $"{prefix}{(i + epoch) % count}");
    }

    [Fact]
    public void EachEpochUsesEverySourceAsOftenAsItsUpsamplingSays()
    {
        var data = new MultiSourceTrainingData<string>(new[]
        {
            new TrainingSource<string>("en", new Numbers("e", 6)),
            new TrainingSource<string>("mt", new Numbers("m", 2), Upsampling: 2.5),
        }, seed: 1);
        Assert.Equal(11, data.BatchesPerEpoch);
        var epoch = data.Epoch(0).ToList();
        Assert.Equal(11, epoch.Count);
        Assert.All(epoch, b => Assert.StartsWith(b.Source == "en" ? "e" : "m", b.Batch));
        Assert.Equal(6, epoch.Count(b => b.Source == "en"));
        Assert.Equal(6, epoch.Select(b => b.Batch).Where(b => b.StartsWith('e')).Distinct().Count());
        // 2.5 × 2 batches = 5 uses: both batches at least twice.
        Assert.All(new[] { "m0", "m1" }, id => Assert.InRange(epoch.Count(b => b.Batch == id), 2, 3));
        Assert.Equal(epoch, data.Epoch(0).ToList());
        Assert.NotEqual(epoch.Select(b => b.Source), data.Epoch(1).Select(b => b.Source));
    }

    [Fact]
    public void EachBatchTrainsWithItsOwnSourceActive()
    {
        var model = new TinyModel(seed: 1);
        var source = new MultiSourceTrainingData<TinyBatch>(new[]
        {
            new TrainingSource<TinyBatch>("de", TinyData.Create(examples: 8, seed: 1)),
            new TrainingSource<TinyBatch>("mt", TinyData.Create(examples: 4, seed: 2)),
        }, seed: 3);
        string? active = null;
        var events = new List<string>();
        var activation = new SourceActivation<TinyBatch>(
            apply: s => { Assert.Null(active); active = s; events.Add("+" + s); },
            revert: s => { Assert.Equal(active, s); active = null; events.Add("-" + s); });
        var seen = new List<string>();
        var trainer = new LtSftTrainer<SourcedBatch<TinyBatch>>(model, model.Trainable(),
            b => { seen.Add($"{b.Source}:{active}"); return model.Loss(b.Batch); }, source,
            new LtSftOptions { TunableCount = 10, FullPhase = PhaseLength.Steps(3), SparsePhase = PhaseLength.Steps(3), GradientAccumulation = 2 })
        {
            BatchScope = activation.Enter,
        };
        trainer.Train();
        Assert.Equal(12, seen.Count);
        Assert.All(seen, s => Assert.Equal(s.Split(':')[0], s.Split(':')[1]));
        Assert.Equal(24, events.Count);
        Assert.Null(active);
    }
}
