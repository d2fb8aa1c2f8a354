using static TorchSharp.torch;

namespace DslSft.Models.SampledGradients;

/// <summary>
/// Where a weight's gradient goes when only some of its entries are trained: <see cref="Indices"/> are the
/// selected entries (1-D int64, row-major flat, strictly increasing) and <see cref="Gradient"/> the float32 slot
/// of each, one per index (typically the weight's slice of the optimizer's compact K-length gradient buffer).
/// Backward adds into <see cref="Gradient"/>; whoever owns it zeroes it between updates.
/// </summary>
public sealed record SampledGradientTarget(Tensor Indices, Tensor Gradient);
