namespace DslSft.Training.MultiSource;

/// <summary>
/// Batches from several sources, one source per batch (as composable-sft's MultiSourceDataset): each epoch takes
/// every source's batches, upsampled by its factor, and interleaves them in a seeded random order.
/// </summary>
public sealed class MultiSourceTrainingData<TBatch> : ITrainingData<SourcedBatch<TBatch>>
{
    private readonly IReadOnlyList<TrainingSource<TBatch>> _sources;
    private readonly int _seed;

    public MultiSourceTrainingData(IReadOnlyList<TrainingSource<TBatch>> sources, int seed)
    {
        if (sources.Count == 0) throw new ArgumentException("no training sources given", nameof(sources));
        var duplicate = sources.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"training source '{duplicate.Key}' is given twice", nameof(sources));
        foreach (var s in sources)
            if (!(s.Upsampling > 0)) throw new ArgumentException($"training source '{s.Name}': upsampling must be positive, got {s.Upsampling}", nameof(sources));
        _sources = sources;
        _seed = seed;
    }

    public long BatchesPerEpoch => _sources.Sum(s => UsesPerEpoch(s));

    private static long UsesPerEpoch(TrainingSource<TBatch> s) => (long)Math.Round(s.Data.BatchesPerEpoch * s.Upsampling);

    public IEnumerable<SourcedBatch<TBatch>> Epoch(int epoch)
    {
        var random = new Random(unchecked(_seed * 1_000_003 + epoch));
        // The schedule is a list of (source, use) slots: whole copies first, then a random part for the fraction.
        var slots = new List<int>();
        for (var s = 0; s < _sources.Count; s++)
            for (long u = 0; u < UsesPerEpoch(_sources[s]); u++) slots.Add(s);
        var order = slots.ToArray();
        random.Shuffle(order);

        // Each source's batches are read in its own epoch order, restarting (next source epoch) when used up,
        // so an upsampled source cycles through all its batches before repeating any.
        var cursors = _sources.Select((s, i) => new SourceCursor(s.Data, epoch * 1000 + i)).ToArray();
        try
        {
            foreach (var s in order)
                yield return new SourcedBatch<TBatch>(_sources[s].Name, cursors[s].Next());
        }
        finally
        {
            foreach (var c in cursors) c.Dispose();
        }
    }

    private sealed class SourceCursor(ITrainingData<TBatch> data, int firstEpoch) : IDisposable
    {
        private int _epoch = firstEpoch;
        private IEnumerator<TBatch>? _current;

        public TBatch Next()
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                _current ??= data.Epoch(_epoch++).GetEnumerator();
                if (_current.MoveNext()) return _current.Current;
                _current.Dispose();
                _current = null;
            }
            throw new InvalidOperationException("a training source produced an empty epoch");
        }

        public void Dispose() => _current?.Dispose();
    }
}
