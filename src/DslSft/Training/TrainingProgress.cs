namespace DslSft.Training;

/// <summary>Which part of LT-SFT is running.</summary>
public enum TrainingPhase
{
    /// <summary>Dense fine-tuning of every trainable parameter (before selection).</summary>
    Full,
    /// <summary>Fine-tuning of the selected maskable entries plus the dense heads.</summary>
    Sparse,
}

/// <summary>A snapshot for progress displays, reported after every optimizer update.</summary>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Iteration,
    int Iterations,
    long Step,
    long TotalSteps,
    double Loss,
    double LearningRate,
    IReadOnlyDictionary<string, double>? LastEvaluation);
