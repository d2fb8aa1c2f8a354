namespace DslSft.Training.MultiSource;

/// <summary>
/// One source of a multi-source training set. <paramref name="Upsampling"/> is how many times per epoch its batches
/// are used: 1 keeps it as it is, 2.5 uses every batch twice and a seeded half of them a third time.
/// </summary>
public sealed record TrainingSource<TBatch>(string Name, ITrainingData<TBatch> Data, double Upsampling = 1.0);
