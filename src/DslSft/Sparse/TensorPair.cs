using static TorchSharp.torch;

namespace DslSft.Sparse;

/// <summary>
/// A parameter taking part in a selection: its current values θ and, optionally, its initial values θ0.
/// Selections rank entries by |θ − θ0| (by |θ| when <see cref="Initial"/> is null). Both must be contiguous
/// CPU float32 tensors with the same number of elements; the name is used in every error message.
/// </summary>
public sealed record TensorPair(string Name, Tensor Current, Tensor? Initial = null);
