using DslSft.Training;

namespace DslSft.Engine;

/// <summary>
/// Reads batches epoch after epoch and remembers its position (epoch, batch within epoch), so a resumed run can
/// skip straight to the batch an uninterrupted run would have read next.
/// </summary>
internal sealed class DataCursor<TBatch>(ITrainingData<TBatch> data, int epoch, long batchInEpoch) : IDisposable
{
    private IEnumerator<TBatch>? _enumerator;

    public int Epoch { get; private set; } = epoch;
    public long BatchInEpoch { get; private set; } = batchInEpoch;

    public TBatch Next()
    {
        if (_enumerator is null)
        {
            _enumerator = data.Epoch(Epoch).GetEnumerator();
            for (long i = 0; i < BatchInEpoch; i++)
                if (!_enumerator.MoveNext()) throw new InvalidOperationException($"epoch {Epoch} has fewer than {BatchInEpoch} batches on resume");
        }
        if (!_enumerator.MoveNext())
        {
            _enumerator.Dispose();
            Epoch++;
            BatchInEpoch = 0;
            _enumerator = data.Epoch(Epoch).GetEnumerator();
            if (!_enumerator.MoveNext()) throw new InvalidOperationException($"training data produced no batches in epoch {Epoch}");
        }
        BatchInEpoch++;
        return _enumerator.Current;
    }

    public void Dispose() => _enumerator?.Dispose();
}
