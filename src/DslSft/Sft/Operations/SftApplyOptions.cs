namespace DslSft.Sft.Operations;

/// <summary>How <see cref="SftOperations.Apply"/> and <see cref="SftOperations.Compose"/> treat abs tensors and the base-model check.</summary>
public sealed record SftApplyOptions
{
    public static SftApplyOptions Default { get; } = new();

    /// <summary>Replace abs (dense head) parameters with the SFT's values (composable-sft's <c>with_abs</c>).</summary>
    public bool WithAbs { get; init; } = true;

    /// <summary>
    /// Skip abs tensors the model does not have instead of failing: for example a language SFT's MLM head
    /// when the model is a token classifier (composable-sft would need <c>with_abs=False</c> there).
    /// </summary>
    public bool SkipMissingAbs { get; init; }

    /// <summary>
    /// Refuse SFTs whose recorded base-model checksum does not match the parameters (see <see cref="ModelChecksum"/>).
    /// Turn off when the parameters are intentionally not the plain base (an SFT already applied on top).
    /// </summary>
    public bool VerifyBaseModel { get; init; } = true;

    /// <summary>Where the sparse add/restore runs; the native kernels plug in here.</summary>
    public ISparseApplyBackend Backend { get; init; } = TorchIndexBackend.Instance;
}
