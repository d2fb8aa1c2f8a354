using DslSft.Engine.Kernels;

namespace DslSft.Engine.Optimizers;

/// <summary>
/// An element-wise update rule the LT-SFT trainer trains with (<see cref="LtSftOptions.Optimizer"/>): AdamW
/// (<see cref="AdamWRule"/>, the default), SGD (<see cref="SgdRule"/>) or Lion (<see cref="LionRule"/>), or a user's own
/// kernel DSL rule of the same shape: an [Indexed] parameter, a [Compact] gradient, [Compact] state buffers and θ0, and
/// scalars (see src/DslSft/Kernels/README.md). The trainer owns the state buffers (zeros at the start of each phase,
/// saved in checkpoints) and hands the rule the phase's gradients: dense per tensor in the full phase and for heads,
/// one compact K-length buffer per group in the sparse phase.
/// </summary>
public interface IOptimizerRule
{
    /// <summary>Name in metadata and on the command line ("adamw", "sgd", "lion").</summary>
    string Name { get; }

    /// <summary>State tensors the rule keeps per trained entry (AdamW 2: the moments; SGD and Lion 1: the momentum).</summary>
    int StateCount { get; }

    /// <summary>The rule and its hyper-parameters as text, for SFT metadata and checkpoint compatibility checks.</summary>
    IReadOnlyDictionary<string, string> Describe();

    /// <summary>One step on every entry of the tensors; the gradients may be scaled in place.</summary>
    void DenseStep(ISparseKernels kernels, IReadOnlyList<DenseUpdateTensor> tensors, OptimizerStep step);

    /// <summary>One step on the selected entries of the group only; the compact gradient may be scaled in place.</summary>
    void SparseStep(ISparseKernels kernels, SparseUpdateGroup group, OptimizerStep step);
}

/// <summary>
/// What changes from one update to the next. The effective gradient of an entry is
/// <c>GradScale · (grad + L1 · sign(θ − θ0))</c>: <see cref="GradScale"/> carries gradient clipping and <see cref="L1"/>
/// is the L1-toward-θ0 coefficient already divided by the model's parameter count (0 disables it).
/// </summary>
/// <param name="Step">The update's number within the phase, from 1 (bias corrections, SGD's first momentum step).</param>
public readonly record struct OptimizerStep(long Step, float LearningRate, float WeightDecay, float GradScale, float L1);
