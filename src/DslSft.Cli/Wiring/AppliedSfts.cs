using DslSft.Sft;
using DslSft.Sft.Operations;

namespace DslSft.Cli.Wiring;

/// <summary>SFTs applied to a model for the lifetime of a scope (e.g. source-language SFTs during task training).</summary>
public sealed class AppliedSfts(AppliedSft? applied) : IDisposable
{
    /// <summary>
    /// Applies <paramref name="sfts"/>' diffs; their abs tensors only where the model has them (a language SFT's
    /// MLM head does not belong to a task model). <paramref name="verifyBaseModel"/> checks the SFTs' base-model checksums
    /// (hashing the tensors): worth it once, not per batch when the same SFTs are applied again and again.
    /// </summary>
    public static AppliedSfts Apply(IReadOnlyList<SparseFineTuning> sfts, IReadOnlyDictionary<string, TorchSharp.torch.Tensor> parameters, bool verifyBaseModel = true) =>
        new(sfts.Count == 0 ? null : SftOperations.Compose(sfts, parameters, Options(verifyBaseModel)));

    /// <summary>
    /// How every command applies <c>--sft</c>s to a model: abs tensors the model lacks are skipped, so a language SFT's
    /// MLM head (<c>cls.predictions.*</c>) does not stop it being composed with a task SFT onto a task model.
    /// </summary>
    public static SftApplyOptions Options(bool verifyBaseModel = true) => new() { SkipMissingAbs = true, VerifyBaseModel = verifyBaseModel };

    public long Entries => applied?.DiffEntryCount ?? 0;

    public void Dispose()
    {
        if (applied is { IsReverted: false }) applied.Revert();
    }
}
