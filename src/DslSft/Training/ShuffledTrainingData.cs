namespace DslSft.Training;

/// <summary>
/// Batches built on demand from a list of examples: each epoch shuffles the examples with a generator seeded by
/// (seed, epoch) and groups them into batches of <c>batchSize</c> (the last one may be smaller).
/// </summary>
public sealed class ShuffledTrainingData<TExample, TBatch> : ITrainingData<TBatch>
{
    private readonly IReadOnlyList<TExample> _examples;
    private readonly int _batchSize;
    private readonly Func<IReadOnlyList<TExample>, TBatch> _collate;
    private readonly int _seed;
    private readonly bool _shuffle;

    public ShuffledTrainingData(IReadOnlyList<TExample> examples, int batchSize, Func<IReadOnlyList<TExample>, TBatch> collate, int seed, bool shuffle = true)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (examples.Count == 0) throw new ArgumentException("the training set is empty", nameof(examples));
        _examples = examples;
        _batchSize = batchSize;
        _collate = collate;
        _seed = seed;
        _shuffle = shuffle;
    }

    public long BatchesPerEpoch => (_examples.Count + _batchSize - 1) / _batchSize;

    public IEnumerable<TBatch> Epoch(int epoch)
    {
        var order = Enumerable.Range(0, _examples.Count).ToArray();
        if (_shuffle) new Random(unchecked(_seed * 1_000_003 + epoch)).Shuffle(order);
        for (var start = 0; start < order.Length; start += _batchSize)
        {
            var count = Math.Min(_batchSize, order.Length - start);
            var batch = new TExample[count];
            for (var i = 0; i < count; i++) batch[i] = _examples[order[start + i]];
            yield return _collate(batch);
        }
    }
}
