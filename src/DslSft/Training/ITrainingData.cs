namespace DslSft.Training;

/// <summary>
/// A training set as the trainer consumes it: a fixed number of batches per epoch, produced in an order that
/// depends only on the epoch number (so a resumed run sees exactly the batches an uninterrupted run would).
/// </summary>
public interface ITrainingData<out TBatch>
{
    long BatchesPerEpoch { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), deterministically ordered.</summary>
    IEnumerable<TBatch> Epoch(int epoch);
}
