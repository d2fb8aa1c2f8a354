namespace DslSft.Sft.Formats;

/// <summary>How <see cref="SftFile.Save"/> stores diff tensors. <see cref="SftFile.Load"/> reads either without being told.</summary>
public enum SftStorage
{
    /// <summary>Format version 1: int64 flat indices and float32 values, exactly as trained (lossless).</summary>
    Full,

    /// <summary>
    /// Format version 2: int32 row numbers or int32 flat indices (indices stay exact), and values in Q8_0 blocks
    /// (8-bit codes with one fp16 scale per 32 values; lossy, within half a block's scale). Abs tensors stay float32.
    /// See docs/sft-format.md.
    /// </summary>
    Compact,

    /// <summary>
    /// Format version 2 as <see cref="Compact"/>, but values in Q4_0 blocks (4-bit codes in [−7, 7], two per byte, with
    /// one fp16 scale per 32 values; within half a block's scale, about 7% of the block's largest magnitude). For
    /// dense fine-tunings that must be kept small; measure what it costs before relying on it. See docs/sft-format.md.
    /// </summary>
    CompactQ4,
}
