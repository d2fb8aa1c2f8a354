using static TorchSharp.torch;

namespace DslSft.Engine.Kernels;

/// <summary>
/// One maskable tensor taking part in a selection: its current values, its pre-trained values θ0 (same shape),
/// and the entries that may not be chosen again (sorted row-major flat int64 indices; null for none).
/// </summary>
public sealed record SelectionCandidate(Tensor Current, Tensor Original, Tensor? Excluded);
